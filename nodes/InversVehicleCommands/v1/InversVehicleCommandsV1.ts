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
import { descriptionV1 } from '../actions/vehicle';

/** Version 1: one "Send Command" operation with a Command dropdown (kept for saved workflows). */
export class InversVehicleCommandsV1 implements INodeType {
	description: INodeTypeDescription;

	constructor(baseDescription: INodeTypeBaseDescription) {
		this.description = {
			...baseDescription,
			version: 1,
			// The command, or for one set by an expression the expression's text: the editor computes
			// the subtitle without input data, so evaluating `{{ $json.command }}` there would fail
			// and leave the subtitle blank.
			subtitle:
				'={{ String(($rawParameter["command"] === "other" ? $rawParameter["commandName"] : $rawParameter["command"]) || "").replace(/^=\\s*/, "command: ") }}',
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
				...descriptionV1,
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
