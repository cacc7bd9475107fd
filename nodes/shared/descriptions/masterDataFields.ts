import type { INodeProperties } from 'n8n-workflow';

import { knownValues, LICENSE_PLATE_MAX_LENGTH } from '../contract';
import { enumOptions, openEnumHint } from './enumOptions';

/**
 * The vehicle's master data as typed fields, shared by Update (Vehicle Management) and Add
 * (Vehicle Lifecycle). Master data is pure metadata: changing it never touches connectivity.
 */
export const masterDataFields: INodeProperties[] = [
	{
		displayName: 'Brand',
		name: 'brand',
		type: 'string',
		default: '',
		placeholder: 'e.g. Volkswagen',
	},
	{
		displayName: 'Custom Name',
		name: 'custom_name',
		type: 'string',
		default: '',
		description: 'A name of your own for the vehicle, shown in FleetControl',
	},
	{
		displayName: 'Fuel Type',
		name: 'fuel_type',
		type: 'options',
		options: enumOptions(knownValues.fuelType),
		default: 'ELECTRIC',
		...openEnumHint('How the vehicle is powered'),
	},
	{
		displayName: 'License Plate',
		name: 'license_plate',
		type: 'string',
		default: '',
		placeholder: 'e.g. B-IV 1234',
		description: `At most ${LICENSE_PLATE_MAX_LENGTH} characters`,
	},
	{ displayName: 'Model', name: 'model', type: 'string', default: '', placeholder: 'e.g. ID.3' },
	{
		displayName: 'Transmission',
		name: 'transmission',
		type: 'options',
		options: enumOptions(knownValues.transmission),
		default: 'AUTOMATIC',
		...openEnumHint('The gearbox'),
	},
	{
		displayName: 'Vehicle Type',
		name: 'vehicle_type',
		type: 'options',
		options: enumOptions(knownValues.vehicleType),
		default: 'CAR',
		...openEnumHint('What kind of vehicle it is'),
	},
	{
		displayName: 'VIN',
		name: 'vin',
		type: 'string',
		default: '',
		placeholder: 'e.g. WVWZZZE1ZMP012345',
		description: 'Vehicle identification number: 17 characters, no I, O or Q (ISO 3779)',
	},
	{
		displayName: 'Year of Production',
		name: 'year_of_production',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2022',
	},
];

/** Custom fields as name/value pairs (a fixedCollection named `customFields`). */
export const customFieldsParameter: INodeProperties = {
	displayName: 'Custom Fields',
	name: 'customFields',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add custom field',
	default: {},
	description: 'Free key/value data stored with the vehicle',
	options: [
		{
			displayName: 'Field',
			name: 'field',
			values: [
				{ displayName: 'Name', name: 'name', type: 'string', default: '' },
				{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			],
		},
	],
};
