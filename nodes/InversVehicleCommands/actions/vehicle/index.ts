import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execution/router';
import * as version2 from './commandOperations';
import * as sendCommand from './sendCommand.operation';

/** Both versions' operations: version 1's "sendCommand", version 2's one per command. */
export const operations: Record<string, OperationModule> = {
	sendCommand,
	...version2.operations,
};

/** Version 1: one operation, "Send Command", with a Command dropdown. */
export const descriptionV1: INodeProperties[] = [
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

/** Version 2: every command an operation (an action in n8n's panel, a tool of its own). */
export const descriptionV2: INodeProperties[] = version2.description;

export const subtitleV2 = version2.subtitle;
