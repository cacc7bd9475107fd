import type { INodeProperties } from 'n8n-workflow';

import type { OperationModule } from '../../../shared/execution/router';
import * as getMany from './getMany.operation';

export const operations: Record<string, OperationModule> = { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['vehicleModel'] } },
		options: [
			{
				name: 'Get Available',
				value: 'getMany',
				description:
					'List the vehicle models that vehicles with a telematics unit of this brand can be added as (their IDs are needed by Add Vehicle)',
				action: 'Get available vehicle models',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
