import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execution/router';
import * as add from './add.operation';
import * as remove from './remove.operation';

export const operations: Record<string, OperationModule> = { add, remove };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['vehicle'] } },
		options: [
			{
				name: 'Add',
				value: 'add',
				description:
					'Add a vehicle to the fleet by its telematics unit; INVERS then sets it up asynchronously (setup status PENDING, then SUCCEEDED or FAILED)',
				action: 'Add a vehicle',
			},
			{
				name: 'Remove',
				value: 'remove',
				description:
					'Remove a vehicle from the fleet: it is archived for 90 days and can be added again later',
				action: 'Remove a vehicle',
			},
		],
		default: 'add',
	},
	...add.description,
	...remove.description,
];
