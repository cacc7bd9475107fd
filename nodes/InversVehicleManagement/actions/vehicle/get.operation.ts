import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { paths } from '../../../shared/contract';
import { getVehicleId } from '../../../shared/descriptions/vehicleLocator';
import { oneApiRequest } from '../../../shared/transport';
import {
	forOperations,
	simplifyVehicle,
	simplifyVehicleOption,
	timeoutOption,
	vehicleParameter,
} from './common';

export const description: INodeProperties[] = [
	...vehicleParameter('get'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forOperations('get'),
		options: [simplifyVehicleOption, timeoutOption],
	},
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const vehicleId = getVehicleId.call(this, itemIndex);
	const simplify = this.getNodeParameter('options.simplify', itemIndex, false) as boolean;
	const response = await oneApiRequest.call(this, {
		method: 'GET',
		path: paths.vehicle(vehicleId),
		subject: `vehicle ${vehicleId}`,
		itemIndex,
	});
	const vehicle = response.body as IDataObject;
	return {
		...(simplify ? simplifyVehicle(vehicle) : vehicle),
		// The ETag lets a later Update refuse to overwrite changes made in between (If-Match).
		etag: response.etag ?? null,
		flow_id: response.flowId ?? null,
	};
}
