import type { INodeProperties } from 'n8n-workflow';

import { knownValues } from '../../shared/contract';
import { enumOptions } from '../../shared/descriptions/enumOptions';
import { DEFAULT_HYSTERESIS_METRES, DEFAULT_HYSTERESIS_PERCENT } from './definitions';

const WATCHING = { show: { startOn: ['conditionChange'] } };

const ofType = (...types: string[]) => ({ show: { type: types } });

/** Defaults of "Max Watched Vehicles" (the option) and the memory it bounds. */
export const DEFAULT_MAX_WATCHED_VEHICLES = 100_000;

/** "Start the Workflow" and the watched conditions (shown after the event types). */
export const conditionProperties: INodeProperties[] = [
	{
		displayName: 'Start the Workflow',
		name: 'startOn',
		type: 'options',
		default: 'everyEvent',
		options: [
			{
				name: 'For Every Event',
				value: 'everyEvent',
				description: 'One execution per event',
			},
			{
				name: 'When a Watched Condition Changes',
				value: 'conditionChange',
				description:
					'Only when a vehicle enters a condition (optionally also when it clears), e.g. once when its charge drops below 20 %, not for every event while it stays low',
			},
			{
				name: 'In Batches',
				value: 'batch',
				description:
					'One execution for many events (up to Max Events, or after Max Wait), optionally only the latest state per vehicle: for mirrors and syncs at fleet scale',
			},
		],
	},
	{
		displayName:
			'The trigger remembers the last known value of each watched property per vehicle, in memory, while the workflow is active. Events that change no condition are acknowledged without starting the workflow. After a restart or reactivation, a vehicle whose first event already meets a condition starts the workflow once (unless "Skip Conditions Already Met at Start" is on).',
		name: 'conditionsNotice',
		type: 'notice',
		default: '',
		displayOptions: WATCHING,
	},
	{
		displayName: 'Conditions',
		name: 'conditions',
		type: 'fixedCollection',
		placeholder: 'Add Condition',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		displayOptions: WATCHING,
		options: [
			{
				displayName: 'Condition',
				name: 'condition',
				values: [
					{
						displayName: 'Condition Type',
						name: 'type',
						type: 'options',
						default: 'chargeBelow',
						options: [
							{
								name: 'Life Status Becomes',
								value: 'lifeStatusBecomes',
								description: 'From Vehicle Changed events, e.g. when a vehicle goes OFFLINE',
							},
							{
								name: 'Operation Status Changed',
								value: 'operationStatusChanged',
								description: 'From Vehicle Changed events, e.g. OPERATING to GARAGE',
							},
							{
								name: 'Position Outside Bounding Box',
								value: 'outsideBox',
								description: 'The state property position is outside a latitude/longitude box',
							},
							{
								name: 'Position Outside Circle',
								value: 'outsideCircle',
								description: 'The state property position is farther from a centre than a radius',
							},
							{
								name: 'State of Charge or Fuel Level Below',
								value: 'chargeBelow',
								description: 'The state property state_of_charge_or_fuel_level_in_percent',
							},
							{
								name: 'State Property Changed',
								value: 'propertyChanged',
								description: 'Any state property by name takes a different value',
							},
							{
								name: 'State Property Does Not Equal',
								value: 'propertyNotEquals',
								description: 'Any state property by name has another value than the one given',
							},
							{
								name: 'State Property Equals',
								value: 'propertyEquals',
								description: 'Any state property by name has the value given',
							},
						],
					},
					{
						displayName: 'Hysteresis (Metres)',
						name: 'hysteresisMetres',
						type: 'number',
						default: DEFAULT_HYSTERESIS_METRES,
						typeOptions: { minValue: 0 },
						displayOptions: ofType('outsideCircle', 'outsideBox'),
						description:
							'Cleared only once the vehicle is this far back inside, so a vehicle parked on the edge does not start the workflow again and again',
					},
					{
						displayName: 'Hysteresis (Percentage Points)',
						name: 'hysteresisPercent',
						type: 'number',
						default: DEFAULT_HYSTERESIS_PERCENT,
						typeOptions: { minValue: 0 },
						displayOptions: ofType('chargeBelow'),
						description:
							'Cleared only once the level is back at Threshold + this (e.g. 25 % for 20 % + 5), so a level wobbling around the threshold does not start the workflow again and again',
					},
					{
						displayName: 'Latitude of Centre',
						name: 'latitude',
						type: 'number',
						default: 52.52,
						typeOptions: { numberPrecision: 6, minValue: -90, maxValue: 90 },
						displayOptions: ofType('outsideCircle'),
					},
					{
						displayName: 'Life Status',
						name: 'lifeStatus',
						type: 'options',
						default: 'OFFLINE',
						options: enumOptions(knownValues.lifeStatus),
						displayOptions: ofType('lifeStatusBecomes'),
						description:
							'Entered when the vehicle takes this life status, cleared when it takes another. Other values can be set with an expression.',
					},
					{
						displayName: 'Longitude of Centre',
						name: 'longitude',
						type: 'number',
						default: 13.405,
						typeOptions: { numberPrecision: 6, minValue: -180, maxValue: 180 },
						displayOptions: ofType('outsideCircle'),
					},
					{
						displayName: 'Max Latitude',
						name: 'maxLatitude',
						type: 'number',
						default: 52.68,
						typeOptions: { numberPrecision: 6, minValue: -90, maxValue: 90 },
						displayOptions: ofType('outsideBox'),
					},
					{
						displayName: 'Max Longitude',
						name: 'maxLongitude',
						type: 'number',
						default: 13.76,
						typeOptions: { numberPrecision: 6, minValue: -180, maxValue: 180 },
						displayOptions: ofType('outsideBox'),
					},
					{
						displayName: 'Min Latitude',
						name: 'minLatitude',
						type: 'number',
						default: 52.33,
						typeOptions: { numberPrecision: 6, minValue: -90, maxValue: 90 },
						displayOptions: ofType('outsideBox'),
					},
					{
						displayName: 'Min Longitude',
						name: 'minLongitude',
						type: 'number',
						default: 13.08,
						typeOptions: { numberPrecision: 6, minValue: -180, maxValue: 180 },
						displayOptions: ofType('outsideBox'),
					},
					{
						displayName: 'Name in Output',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'e.g. low_battery',
						description:
							'How items name this condition (field condition). Empty: a name made from the condition, e.g. charge_below_20.',
					},
					{
						displayName: 'Property Name',
						name: 'property',
						type: 'string',
						default: '',
						placeholder: 'e.g. central_lock',
						displayOptions: ofType('propertyEquals', 'propertyNotEquals', 'propertyChanged'),
						description:
							'A vehicle state property as INVERS names it, e.g. central_lock, ignition, driving_enabled, top_case_lid',
					},
					{
						displayName: 'Radius (Metres)',
						name: 'radiusMetres',
						type: 'number',
						default: 10000,
						typeOptions: { minValue: 1 },
						displayOptions: ofType('outsideCircle'),
						description: 'Entered when the vehicle is farther than this from the centre',
					},
					{
						displayName: 'Threshold (%)',
						name: 'belowPercent',
						type: 'number',
						default: 20,
						typeOptions: { minValue: 0, maxValue: 100 },
						displayOptions: ofType('chargeBelow'),
						description:
							'Entered when the level drops below this (state of charge or fuel level in percent)',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: 'e.g. UNLOCKED',
						displayOptions: ofType('propertyEquals', 'propertyNotEquals'),
						description: 'Compared as text, ignoring case (true, 12 and UNLOCKED work)',
					},
				],
			},
		],
	},
	{
		displayName: 'Also Start When Cleared',
		name: 'startWhenCleared',
		type: 'boolean',
		default: false,
		displayOptions: WATCHING,
		description:
			'Whether to start the workflow also when a condition stops holding (e.g. charged again, back inside the area), with transition "cleared"',
	},
	{
		displayName: 'Skip Conditions Already Met at Start',
		name: 'skipMetAtStart',
		type: 'boolean',
		default: false,
		displayOptions: WATCHING,
		description:
			'Whether to stay silent when the first event of a vehicle after activation already meets a condition. Off: that vehicle starts the workflow once, so no alert is missed across a restart (at most one repeat per vehicle and restart).',
	},
];

/** The memory cap, an entry of the trigger's Options collection. */
export const maxWatchedVehiclesOption: INodeProperties = {
	displayName: 'Max Watched Vehicles',
	name: 'maxWatchedVehicles',
	type: 'number',
	default: DEFAULT_MAX_WATCHED_VEHICLES,
	typeOptions: { minValue: 1 },
	displayOptions: { show: { '/startOn': ['conditionChange'] } },
	description:
		'With watched conditions: how many vehicles are remembered. Past it, the least recently seen are forgotten (counted in the log) and count as first seen when they report again. About 0.4 KB each with three conditions.',
};
