import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { CREDENTIAL_FREE_TELEMATICS_BRANDS, knownValues } from '../../../shared/contract';
import { enumOptions, openEnumHint } from '../../../shared/descriptions/enumOptions';
import {
	customFieldsParameter,
	masterDataFields,
} from '../../../shared/descriptions/masterDataFields';
import { forOperations, telematicsBrandParameter, timeoutOption } from '../common';

const show = forOperations('vehicle', 'add');

/**
 * Unit credentials are asked for only where a unit needs them: not for a CloudBoxx. A brand set by
 * expression may be any: then the fields stay, and the operation decides per item.
 */
const oemUnitsOnly = (show: IDisplayOptions['show'] = {}): IDisplayOptions => ({
	show: { ...forOperations('vehicle', 'add').show, ...show },
	hide: { telematicsBrand: [...CREDENTIAL_FREE_TELEMATICS_BRANDS] },
});

/**
 * Version 1 has no "Unit Credentials" selector: both fields show, and the one filled in is sent.
 * Version 2 chooses one with the selector, whose default is "Stored OEM Credentials": a version-1
 * workflow that set only the unit password would lose it if it read version 2's parameters.
 */
const VERSION_1 = { '@version': [1] };
const FROM_VERSION_2 = { '@version': [{ _cnd: { gte: 2 } }] };

const unitCredentialFields: INodeProperties[] = [
	{
		displayName:
			'Fill in exactly one of "OEM Credentials ID" (OEM access stored in FleetControl) and "Unit Password" (the password of this telematics unit)',
		name: 'accessNotice',
		type: 'notice',
		default: '',
		displayOptions: oemUnitsOnly(VERSION_1),
	},
	{
		displayName: 'OEM Credentials ID',
		name: 'credentialsId',
		type: 'string',
		default: '',
		displayOptions: oemUnitsOnly(VERSION_1),
		description:
			'ID of the OEM credentials stored in FleetControl that give INVERS access to the vehicle. Leave empty when giving a Unit Password.',
	},
	{
		displayName: 'Unit Password',
		name: 'unitPassword',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		displayOptions: oemUnitsOnly(VERSION_1),
		description: 'Password of this telematics unit. Leave empty when giving an OEM Credentials ID.',
	},
	{
		displayName: 'Unit Credentials',
		name: 'unitCredentials',
		type: 'options',
		options: [
			{
				name: 'Stored OEM Credentials',
				value: 'credentialsId',
				description: "The maker's access stored in FleetControl, by its ID",
			},
			{
				name: 'Unit Password',
				value: 'password',
				description: 'The password of this telematics unit',
			},
		],
		default: 'credentialsId',
		displayOptions: oemUnitsOnly(FROM_VERSION_2),
		description:
			'How INVERS reaches a unit of another maker (NIU and others). Ignored for a CloudBoxx, which needs no credentials: with the brand set by expression, leave the field below empty for CloudBoxx units.',
	},
	{
		displayName: 'OEM Credentials ID',
		name: 'credentialsId',
		type: 'string',
		default: '',
		displayOptions: oemUnitsOnly({ ...FROM_VERSION_2, unitCredentials: ['credentialsId'] }),
		description:
			'ID of the OEM credentials stored in FleetControl that give INVERS access to the vehicle',
	},
	{
		displayName: 'Unit Password',
		name: 'unitPassword',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		displayOptions: oemUnitsOnly({ ...FROM_VERSION_2, unitCredentials: ['password'] }),
		description: 'Password of this telematics unit',
	},
];

export const addDescription: INodeProperties[] = [
	telematicsBrandParameter('vehicle', 'add'),
	{
		displayName: 'Telematics Unit ID',
		name: 'telematicsUnitId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. CBX-10001',
		displayOptions: show,
		description: 'ID of the telematics unit built into the vehicle (unique per brand)',
	},
	{
		displayName: 'Vehicle Model Name or ID',
		name: 'vehicleModelId',
		type: 'options',
		typeOptions: {
			loadOptionsMethod: 'getVehicleModels',
			loadOptionsDependsOn: ['telematicsBrand'],
		},
		default: '',
		required: true,
		displayOptions: show,
		description:
			'The vehicle model, from the models INVERS offers for the telematics brand. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
	},
	{
		displayName:
			'A CloudBoxx unit needs no credentials: INVERS links the boxes you bought to your fleet itself',
		name: 'cloudBoxxNotice',
		type: 'notice',
		default: '',
		displayOptions: {
			show: { ...show.show, telematicsBrand: [...CREDENTIAL_FREE_TELEMATICS_BRANDS] },
		},
	},
	...unitCredentialFields,
	{
		displayName: 'Master Data',
		name: 'masterData',
		type: 'collection',
		placeholder: 'Add master data field',
		default: {},
		displayOptions: show,
		description:
			'Metadata of the vehicle; brand, model, fuel type and vehicle type default to those of the vehicle model',
		options: masterDataFields,
	},
	{ ...customFieldsParameter, displayOptions: show },
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add field',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Initial Operation Status',
				name: 'operationStatus',
				type: 'options',
				options: enumOptions(knownValues.operationStatus),
				default: 'OPERATING',
				...openEnumHint(
					'Operation status the vehicle starts with (INVERS uses Operating if unset)',
				),
			},
			{
				displayName: 'Tags',
				name: 'tags',
				type: 'string',
				default: '',
				placeholder: 'e.g. airport, ev',
				description: 'Tags separated by commas',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: show,
		options: [timeoutOption],
	},
];
