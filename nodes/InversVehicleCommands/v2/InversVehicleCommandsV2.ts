import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeBaseDescription,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { inversOneApiConnectionTest } from '../../shared/credentialTest';
import { searchVehicles } from '../../shared/methods/searchVehicles';
import { router } from '../actions/router';
import { descriptionV2, subtitleV2 } from '../actions/vehicle';

/** Version 2: every command an operation of its own (an action in the panel, a tool of its own). */
export class InversVehicleCommandsV2 implements INodeType {
	description: INodeTypeDescription;

	constructor(baseDescription: INodeTypeBaseDescription) {
		this.description = {
			...baseDescription,
			version: 2,
			subtitle: subtitleV2,
			defaults: { name: 'INVERS Vehicle Commands' },
			usableAsTool: true,
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [
				{ name: 'inversOneApi', required: true, testedBy: 'inversOneApiConnectionTest' },
			],
			properties: [
				{
					displayName: 'Resource',
					name: 'resource',
					type: 'options',
					noDataExpression: true,
					options: [{ name: 'Vehicle', value: 'vehicle' }],
					default: 'vehicle',
				},
				...descriptionV2,
			],
		};
	}

	methods = {
		credentialTest: { inversOneApiConnectionTest },
		listSearch: { searchVehicles },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
