import type { IDataObject } from 'n8n-workflow';

/** The Get Many filters the API does not offer: applied to each page as it arrives. */
export interface VehicleFilters {
	operationStatus?: string;
	lifeStatus?: string;
	rentalStatus?: string;
	vehicleType?: string;
	tag?: string;
	customFieldName?: string;
	customFieldValue?: string;
}

function statusOf(vehicle: IDataObject, name: string): unknown {
	return ((vehicle[name] ?? {}) as IDataObject).value;
}

export function readFilters(raw: IDataObject): VehicleFilters {
	const text = (key: string) => {
		const value = raw[key];
		return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
	};
	const customField = ((raw.customField as IDataObject | undefined)?.field ?? {}) as IDataObject;
	return {
		operationStatus: text('operationStatus'),
		lifeStatus: text('lifeStatus'),
		rentalStatus: text('rentalStatus'),
		vehicleType: text('vehicleType'),
		tag: text('tag'),
		customFieldName:
			typeof customField.name === 'string' && customField.name.trim() !== ''
				? customField.name.trim()
				: undefined,
		// An empty value matches any value, as the field's hint says: only whether the field exists.
		customFieldValue:
			customField.value === undefined ||
			customField.value === null ||
			String(customField.value).trim() === ''
				? undefined
				: String(customField.value),
	};
}

export function matchesFilters(vehicle: IDataObject, filters: VehicleFilters): boolean {
	if (filters.operationStatus && statusOf(vehicle, 'operation_status') !== filters.operationStatus)
		return false;
	if (filters.lifeStatus && statusOf(vehicle, 'life_status') !== filters.lifeStatus) return false;
	if (filters.rentalStatus && statusOf(vehicle, 'rental_status') !== filters.rentalStatus)
		return false;
	if (filters.vehicleType) {
		const masterData = (vehicle.master_data ?? {}) as IDataObject;
		if (masterData.vehicle_type !== filters.vehicleType) return false;
	}
	if (filters.tag) {
		const tags = Array.isArray(vehicle.tags) ? (vehicle.tags as unknown[]) : [];
		if (!tags.includes(filters.tag)) return false;
	}
	if (filters.customFieldName) {
		const fields = vehicle.custom_fields;
		// Own fields only: "constructor" or "toString" are not fields of every vehicle.
		if (
			!fields ||
			typeof fields !== 'object' ||
			!Object.prototype.hasOwnProperty.call(fields, filters.customFieldName)
		)
			return false;
		if (
			filters.customFieldValue !== undefined &&
			String((fields as IDataObject)[filters.customFieldName]) !== filters.customFieldValue
		)
			return false;
	}
	return true;
}

export function hasFilters(filters: VehicleFilters): boolean {
	return Object.values(filters).some((value) => value !== undefined);
}
