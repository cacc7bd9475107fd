import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { inversOneApiConnectionTest } from '../credentialTest';
import { searchVehicles } from '../shared/methods/searchVehicles';
import { router } from './actions/router';
import * as vehicle from './actions/vehicle';

export class InversVehicleCommands implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'INVERS Vehicle Commands',
		name: 'inversVehicleCommands',
		icon: { light: 'file:../../icons/invers.svg', dark: 'file:../../icons/invers.dark.svg' },
		group: ['transform'],
		version: 1,
		// The command, or for one set by an expression the expression's text: the editor computes
		// the subtitle without input data, so evaluating `{{ $json.command }}` there would fail
		// and leave the subtitle blank.
		subtitle:
			'={{ String(($rawParameter["command"] === "other" ? $rawParameter["commandName"] : $rawParameter["command"]) || "").replace(/^=\\s*/, "command: ") }}',
		description:
			'Send commands to the vehicles of an INVERS fleet: lock and unlock, enable and disable driving, top case, battery compartment, draw attention, request state',
		defaults: { name: 'INVERS Vehicle Commands' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'inversOneApi', required: true, testedBy: 'inversOneApiConnectionTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Vehicle', value: 'vehicle' }],
				default: 'vehicle',
			},
			...vehicle.description,
		],
	};

	methods = {
		credentialTest: { inversOneApiConnectionTest },
		listSearch: { searchVehicles },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
