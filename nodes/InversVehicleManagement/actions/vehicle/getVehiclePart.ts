import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { paths } from '../../../shared/contract';
import { getVehicleId } from '../../../shared/descriptions/vehicleLocator';
import { oneApiRequest } from '../../../shared/transport';
import { forOperations, timeoutOption, vehicleParameter } from './common';

/**
 * Capabilities and telematics unit are parts of the vehicle object [doc]: both operations read the
 * vehicle and return that part, so they share this file's two builders.
 */
export function partDescription(operation: string): INodeProperties[] {
	return [
		...vehicleParameter(operation),
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			displayOptions: forOperations(operation),
			options: [timeoutOption],
		},
	];
}

export function partExecute(part: string) {
	return async function (this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
		const vehicleId = getVehicleId.call(this, itemIndex);
		const response = await oneApiRequest.call(this, {
			method: 'GET',
			path: paths.vehicle(vehicleId),
			subject: `vehicle ${vehicleId}`,
			itemIndex,
		});
		const vehicle = response.body as IDataObject;
		const value = (vehicle[part] ?? {}) as IDataObject;
		return { vehicle_id: vehicleId, ...value, flow_id: response.flowId ?? null };
	};
}
