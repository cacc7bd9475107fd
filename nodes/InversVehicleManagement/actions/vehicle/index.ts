import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execution/router';
import * as get from './get.operation';
import * as getCapabilities from './getCapabilities.operation';
import * as getLatestState from './getLatestState.operation';
import * as getMany from './getMany.operation';
import * as getTelematicsUnit from './getTelematicsUnit.operation';
import * as update from './update.operation';

export const operations: Record<string, OperationModule> = {
	get,
	getMany,
	update,
	getLatestState,
	getCapabilities,
	getTelematicsUnit,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['vehicle'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a vehicle with its master data, statuses, tags and custom fields',
				action: 'Get a vehicle',
			},
			{
				name: 'Get Capabilities',
				value: 'getCapabilities',
				description: 'Get which commands a vehicle accepts and which state it reports',
				action: 'Get the capabilities of a vehicle',
			},
			{
				name: 'Get Latest State',
				value: 'getLatestState',
				description:
					'Get the last reported state of a vehicle: lock, ignition, mileage, charge or fuel level, position',
				action: 'Get the latest state of a vehicle',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the vehicles of the fleet, searched and filtered',
				action: 'Get many vehicles',
			},
			{
				name: 'Get Telematics Unit',
				value: 'getTelematicsUnit',
				description: 'Get the telematics unit built into a vehicle',
				action: 'Get the telematics unit of a vehicle',
			},
			{
				name: 'Update',
				value: 'update',
				description:
					'Change master data, custom fields, tags, operation status or rental status of a vehicle',
				action: 'Update a vehicle',
			},
		],
		default: 'get',
	},
	...get.description,
	...getMany.description,
	...update.description,
	...getLatestState.description,
	...getCapabilities.description,
	...getTelematicsUnit.description,
];
