import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { VEHICLE_ID_PATTERN } from '../contract';
import { invalidFieldError } from '../validation';

/**
 * The vehicle picker every action node shares: "From List" searches the fleet on the server (by
 * license plate, name or VIN) page by page; "By ID" takes the INVERS vehicle ID.
 */
export function vehicleLocator(displayOptions: IDisplayOptions): INodeProperties {
	return {
		displayName: 'Vehicle',
		name: 'vehicle',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The vehicle, found by license plate, name or VIN, or given by its INVERS ID',
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Search by license plate, name or VIN…',
				typeOptions: { searchListMethod: 'searchVehicles', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. JQ7RP',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: VEHICLE_ID_PATTERN.source,
							errorMessage: 'A vehicle ID has only letters, digits, "-" and "_" (e.g. JQ7RP)',
						},
					},
				],
			},
		],
	};
}

/** The vehicle ID of one item, validated: the field is named in the error. */
export function getVehicleId(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('vehicle', itemIndex, '', { extractValue: true }) as unknown;
	const vehicleId = typeof value === 'string' ? value.trim() : String(value ?? '').trim();
	if (!VEHICLE_ID_PATTERN.test(vehicleId)) {
		throw invalidFieldError(
			this,
			itemIndex,
			vehicleId === ''
				? 'The field "Vehicle" is empty: choose a vehicle from the list or enter its ID'
				: `The field "Vehicle" holds "${vehicleId}", which is not a vehicle ID: INVERS vehicle IDs have only letters, digits, "-" and "_" (e.g. JQ7RP)`,
			{
				field: 'Vehicle',
				value: vehicleId,
				allowed:
					'An INVERS vehicle ID: 1 to 64 letters, digits, "-" and "_" (e.g. JQ7RP), chosen from the list or given by ID.',
				parameter: 'vehicle',
			},
		);
	}
	return vehicleId;
}
