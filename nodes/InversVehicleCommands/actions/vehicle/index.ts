import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execution/router';
import * as sendCommand from './sendCommand.operation';

export const operations: Record<string, OperationModule> = { sendCommand };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['vehicle'] } },
		options: [
			{
				name: 'Send Command',
				value: 'sendCommand',
				description:
					'Make a vehicle act physically (lock or unlock, enable or disable driving, open a top case, honk) and return its new state',
				action: 'Send a command to a vehicle',
			},
		],
		default: 'sendCommand',
	},
	...sendCommand.description,
];
