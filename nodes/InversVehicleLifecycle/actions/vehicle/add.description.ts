import type { INodeProperties } from 'n8n-workflow';

import { knownValues } from '../../../shared/contract';
import { enumOptions, openEnumHint } from '../../../shared/descriptions/enumOptions';
import {
	customFieldsParameter,
	masterDataFields,
} from '../../../shared/descriptions/masterDataFields';
import { forOperations, telematicsBrandParameter, timeoutOption } from '../common';

const show = forOperations('vehicle', 'add');

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
			'Fill in exactly one of "OEM Credentials ID" (OEM access stored in FleetControl) and "Unit Password" (the password of this telematics unit)',
		name: 'accessNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'OEM Credentials ID',
		name: 'credentialsId',
		type: 'string',
		default: '',
		displayOptions: show,
		description:
			'ID of OEM credentials stored in FleetControl that give INVERS access to the vehicle. Leave empty when giving a Unit Password.',
	},
	{
		displayName: 'Unit Password',
		name: 'unitPassword',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		displayOptions: show,
		description: 'Password of this telematics unit. Leave empty when giving an OEM Credentials ID.',
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
