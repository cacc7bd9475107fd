import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { vehicleLocator } from '../../../shared/descriptions/vehicleLocator';

export function forOperations(...operation: string[]) {
	return { show: { resource: ['vehicle'], operation } };
}

export function vehicleParameter(operation: string): INodeProperties[] {
	return vehicleLocator(forOperations(operation));
}

/** The few fields most workflows need, instead of the whole vehicle object. */
export function simplifyVehicle(vehicle: IDataObject): IDataObject {
	const masterData = (vehicle.master_data ?? {}) as IDataObject;
	const status = (name: string) => ((vehicle[name] ?? {}) as IDataObject).value ?? null;
	return {
		id: vehicle.id,
		license_plate: masterData.license_plate ?? null,
		vin: masterData.vin ?? null,
		custom_name: masterData.custom_name ?? null,
		brand: masterData.brand ?? null,
		model: masterData.model ?? null,
		vehicle_type: masterData.vehicle_type ?? null,
		life_status: status('life_status'),
		operation_status: status('operation_status'),
		rental_status: status('rental_status'),
		tags: vehicle.tags ?? [],
		custom_fields: vehicle.custom_fields ?? {},
	};
}

export const simplifyVehicleOption: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: false,
	description:
		'Whether to return a short summary of each vehicle (ID, plate, VIN, name, model, statuses, tags, custom fields) instead of the whole object',
};

export { timeoutOption } from '../../../shared/descriptions/timeoutOption';
