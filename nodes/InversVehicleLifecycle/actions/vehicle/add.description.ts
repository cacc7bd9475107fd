import type { INodeProperties } from 'n8n-workflow';

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
 * expression may be any: then the choice stays, and the operation decides per item.
 */
const oemUnitsOnly = (show: Record<string, string[]> = {}) => ({
	show: { ...forOperations('vehicle', 'add').show, ...show },
	hide: { telematicsBrand: [...CREDENTIAL_FREE_TELEMATICS_BRANDS] },
});

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
		displayOptions: oemUnitsOnly(),
		description:
			'How INVERS reaches a unit of another maker (NIU and others). Ignored for a CloudBoxx, which needs no credentials: with the brand set by expression, leave the field below empty for CloudBoxx units.',
	},
	{
		displayName: 'OEM Credentials ID',
		name: 'credentialsId',
		type: 'string',
		default: '',
		displayOptions: oemUnitsOnly({ unitCredentials: ['credentialsId'] }),
		description:
			'ID of the OEM credentials stored in FleetControl that give INVERS access to the vehicle',
	},
	{
		displayName: 'Unit Password',
		name: 'unitPassword',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		displayOptions: oemUnitsOnly({ unitCredentials: ['password'] }),
		description: 'Password of this telematics unit',
	},
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
