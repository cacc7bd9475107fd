import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeBaseDescription,
	INodeTypeDescription,
} from 'n8n-workflow';

import { inversOneApiConnectionTest } from '../credentialTest';
import {
	actionNodeBase,
	resourceProperty,
	VEHICLE_RESOURCE,
} from '../shared/descriptions/actionNode';
import { searchVehicles } from '../shared/methods/searchVehicles';
import { router } from './actions/router';

/**
 * One version of INVERS Vehicle Commands: its own operations and subtitle on the shared base.
 * Every version runs through the same router, which finds the operation's module by name.
 */
export class CommandsVersion implements INodeType {
	description: INodeTypeDescription;

	methods = {
		credentialTest: { inversOneApiConnectionTest },
		listSearch: { searchVehicles },
	};

	constructor(
		base: INodeTypeBaseDescription,
		version: number,
		subtitle: string,
		operations: INodeProperties[],
	) {
		this.description = {
			...base,
			version,
			subtitle,
			defaults: { name: 'INVERS Vehicle Commands' },
			usableAsTool: true,
			...actionNodeBase,
			properties: [resourceProperty([VEHICLE_RESOURCE]), ...operations],
		};
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
