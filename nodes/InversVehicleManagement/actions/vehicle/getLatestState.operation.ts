import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { paths } from '../../../shared/contract';
import { getVehicleId } from '../../../shared/descriptions/vehicleLocator';
import { oneApiRequest } from '../../../shared/transport';
import { simplifyVehicleState } from '../../../shared/vehicleState';
import { forOperations, timeoutOption, vehicleParameter } from './common';

export const description: INodeProperties[] = [
	{
		displayName:
			'INVERS asks not to poll this for live data: use the INVERS Trigger (VehicleStateRecorded) for that, and this operation for scheduled checks and look-ups',
		name: 'pollingNotice',
		type: 'notice',
		default: '',
		displayOptions: forOperations('getLatestState'),
	},
	...vehicleParameter('getLatestState'),
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		displayOptions: forOperations('getLatestState'),
		description:
			'Whether to return each state property as its plain value plus the newest timestamp (last_recorded_at), instead of { timestamp, value } per property',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forOperations('getLatestState'),
		options: [timeoutOption],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const vehicleId = getVehicleId.call(this, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) as boolean;
	const response = await oneApiRequest.call(this, {
		method: 'GET',
		path: paths.latestVehicleState(vehicleId),
		subject: `vehicle ${vehicleId}`,
		itemIndex,
	});
	const state = simplify ? simplifyVehicleState(response.body) : (response.body as IDataObject);
	return { vehicle_id: vehicleId, ...state, flow_id: response.flowId ?? null };
}
