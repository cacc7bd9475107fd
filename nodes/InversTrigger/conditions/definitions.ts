import { knownValues } from '../../shared/contract';
import type { GeoBox, GeoCircle } from './geo';
import { metresToDegrees } from './geo';

/** Where a watched value comes from: a state property, or a status of the vehicle object. */
export type WatchedSource = 'state' | 'vehicle';

/** One value the trigger remembers per vehicle; conditions on the same value share it. */
export interface WatchedValue {
	source: WatchedSource;
	/** The state property (`position`) or the vehicle field (`life_status`). */
	name: string;
}

export type ConditionType =
	| 'chargeBelow'
	| 'outsideCircle'
	| 'outsideBox'
	| 'propertyEquals'
	| 'propertyNotEquals'
	| 'propertyChanged'
	| 'lifeStatusBecomes'
	| 'operationStatusChanged';

/**
 * How a condition reads its value. `met` conditions are entered and cleared; `changed` ones start
 * the workflow whenever the value differs from the one known before.
 */
export type ConditionTest =
	| { kind: 'below'; threshold: number; clearAt: number }
	| { kind: 'outsideCircle'; circle: GeoCircle; clearWithin: number }
	| { kind: 'outsideBox'; box: GeoBox; clearBox: GeoBox }
	/** `expected` in lower case: values compare as text, ignoring case. */
	| { kind: 'equals'; expected: string; negate: boolean }
	| { kind: 'changed' };

export interface ConditionDefinition {
	/** The name items carry as `condition`. */
	name: string;
	type: ConditionType;
	watched: WatchedValue;
	test: ConditionTest;
}

/** State property names [doc], as the conditions read them. */
export const CHARGE_PROPERTY = 'state_of_charge_or_fuel_level_in_percent';
export const POSITION_PROPERTY = 'position';
export const LIFE_STATUS_FIELD = 'life_status';
export const OPERATION_STATUS_FIELD = 'operation_status';

/** Hysteresis when the parameter is absent: the parameters' defaults. */
export const DEFAULT_HYSTERESIS_PERCENT = 5;
export const DEFAULT_HYSTERESIS_METRES = 100;

/** Each condition takes two bits of a number per vehicle (known, met). */
export const MAX_CONDITIONS = 30;

/** A condition as the node's parameters hold it (fixedCollection `conditions.condition`). */
export interface RawCondition {
	name?: unknown;
	type?: unknown;
	belowPercent?: unknown;
	hysteresisPercent?: unknown;
	latitude?: unknown;
	longitude?: unknown;
	radiusMetres?: unknown;
	minLatitude?: unknown;
	maxLatitude?: unknown;
	minLongitude?: unknown;
	maxLongitude?: unknown;
	hysteresisMetres?: unknown;
	property?: unknown;
	value?: unknown;
	lifeStatus?: unknown;
}

/** A parameter a user has to correct: the message names the condition and the field. */
export class ConditionSettingError extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
		this.name = 'ConditionSettingError';
	}
}

const TYPES: readonly ConditionType[] = [
	'chargeBelow',
	'outsideCircle',
	'outsideBox',
	'propertyEquals',
	'propertyNotEquals',
	'propertyChanged',
	'lifeStatusBecomes',
	'operationStatusChanged',
];

/** A condition's fields, for error messages: "Condition 2 (low_battery)". */
class FieldReader {
	constructor(
		private readonly raw: RawCondition,
		private readonly label: string,
	) {}

	fail(field: string, problem: string, hint = ''): never {
		throw new ConditionSettingError(
			`${this.label}: "${field}" ${problem}`,
			hint || 'Correct the field under Conditions, then activate the workflow again',
		);
	}

	number(key: keyof RawCondition, field: string, fallback?: number): number {
		const value = this.raw[key];
		if ((value === undefined || value === '' || value === null) && fallback !== undefined) {
			return fallback;
		}
		const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
		if (typeof number !== 'number' || !Number.isFinite(number)) {
			this.fail(field, `must be a number, got ${JSON.stringify(value ?? null)}`);
		}
		return number;
	}

	inRange(key: keyof RawCondition, field: string, min: number, max: number): number {
		const number = this.number(key, field);
		if (number < min || number > max) {
			this.fail(field, `must be from ${min} to ${max}, got ${number}`);
		}
		return number;
	}

	text(key: keyof RawCondition, field: string, example: string): string {
		const value = this.raw[key];
		const text =
			typeof value === 'string'
				? value.trim()
				: typeof value === 'number' || typeof value === 'boolean'
					? String(value)
					: '';
		if (!text) this.fail(field, `is empty: enter ${example}`);
		return text;
	}
}

/**
 * Reads and checks the conditions of "When a Watched Condition Changes" at activation, so a
 * mistake is reported before any event is consumed, naming the condition and the field.
 */
export function readConditions(rawConditions: RawCondition[]): ConditionDefinition[] {
	if (!rawConditions.length) {
		throw new ConditionSettingError(
			'Add at least one condition under "Conditions"',
			'"When a Watched Condition Changes" starts the workflow only when a condition is entered (or cleared, or a watched value changed): without one it would never start. Or choose "For Every Event".',
		);
	}
	if (rawConditions.length > MAX_CONDITIONS) {
		throw new ConditionSettingError(
			`At most ${MAX_CONDITIONS} conditions can be watched, there are ${rawConditions.length}`,
			'Split them over two triggers on different event consumers',
		);
	}
	const definitions = rawConditions.map((raw, index) => readCondition(raw, index));
	const seen = new Map<string, number>();
	definitions.forEach((definition, index) => {
		const first = seen.get(definition.name);
		if (first !== undefined) {
			throw new ConditionSettingError(
				`Condition ${index + 1}: the name "${definition.name}" is already used by condition ${first + 1}`,
				'Items tell conditions apart by name: give each condition a name of its own under "Name"',
			);
		}
		seen.set(definition.name, index);
	});
	return definitions;
}

function readCondition(raw: RawCondition, index: number): ConditionDefinition {
	const givenName = typeof raw.name === 'string' ? raw.name.trim() : '';
	const label = `Condition ${index + 1}${givenName ? ` (${givenName})` : ''}`;
	const fields = new FieldReader(raw, label);
	const type = raw.type as ConditionType;
	if (!TYPES.includes(type)) {
		fields.fail(
			'Condition Type',
			`is ${JSON.stringify(raw.type ?? null)}, which is not a known condition`,
		);
	}
	const { watched, test, defaultName } = readTest(type, fields);
	return { name: givenName || defaultName, type, watched, test };
}

function readTest(
	type: ConditionType,
	fields: FieldReader,
): { watched: WatchedValue; test: ConditionTest; defaultName: string } {
	switch (type) {
		case 'chargeBelow': {
			const threshold = fields.inRange('belowPercent', 'Threshold (%)', 0, 100);
			const hysteresis = fields.number(
				'hysteresisPercent',
				'Hysteresis (Percentage Points)',
				DEFAULT_HYSTERESIS_PERCENT,
			);
			if (hysteresis < 0) fields.fail('Hysteresis (Percentage Points)', 'must be 0 or more');
			return {
				watched: { source: 'state', name: CHARGE_PROPERTY },
				test: { kind: 'below', threshold, clearAt: threshold + hysteresis },
				defaultName: `charge_below_${threshold}`,
			};
		}
		case 'outsideCircle': {
			const circle: GeoCircle = {
				lat: fields.inRange('latitude', 'Latitude of Centre', -90, 90),
				lon: fields.inRange('longitude', 'Longitude of Centre', -180, 180),
				radius: fields.number('radiusMetres', 'Radius (Metres)'),
			};
			if (circle.radius <= 0) {
				fields.fail('Radius (Metres)', `must be greater than 0, got ${circle.radius}`);
			}
			const hysteresis = readHysteresisMetres(fields);
			if (hysteresis >= circle.radius) {
				fields.fail(
					'Hysteresis (Metres)',
					`must be less than the radius (${circle.radius} m), got ${hysteresis}`,
					'A vehicle is back inside once it is this far within the circle',
				);
			}
			return {
				watched: { source: 'state', name: POSITION_PROPERTY },
				test: { kind: 'outsideCircle', circle, clearWithin: circle.radius - hysteresis },
				defaultName: 'outside_circle',
			};
		}
		case 'outsideBox': {
			const box: GeoBox = {
				minLat: fields.inRange('minLatitude', 'Min Latitude', -90, 90),
				maxLat: fields.inRange('maxLatitude', 'Max Latitude', -90, 90),
				minLon: fields.inRange('minLongitude', 'Min Longitude', -180, 180),
				maxLon: fields.inRange('maxLongitude', 'Max Longitude', -180, 180),
			};
			if (box.minLat >= box.maxLat) {
				fields.fail(
					'Min Latitude',
					`(${box.minLat}) must be less than Max Latitude (${box.maxLat})`,
				);
			}
			if (box.minLon >= box.maxLon) {
				fields.fail(
					'Min Longitude',
					`(${box.minLon}) must be less than Max Longitude (${box.maxLon})`,
					'A box across the 180th meridian is not supported: use a circle, or two conditions',
				);
			}
			const hysteresis = readHysteresisMetres(fields);
			const margin = metresToDegrees(hysteresis, (box.minLat + box.maxLat) / 2);
			const clearBox: GeoBox = {
				minLat: box.minLat + margin.lat,
				maxLat: box.maxLat - margin.lat,
				minLon: box.minLon + margin.lon,
				maxLon: box.maxLon - margin.lon,
			};
			if (clearBox.minLat >= clearBox.maxLat || clearBox.minLon >= clearBox.maxLon) {
				fields.fail(
					'Hysteresis (Metres)',
					`(${hysteresis}) is too large for this box: it must be less than half the box's width and height`,
					'A vehicle is back inside once it is this far within the box',
				);
			}
			return {
				watched: { source: 'state', name: POSITION_PROPERTY },
				test: { kind: 'outsideBox', box, clearBox },
				defaultName: 'outside_box',
			};
		}
		case 'propertyEquals':
		case 'propertyNotEquals': {
			const property = fields.text(
				'property',
				'Property Name',
				'a state property, e.g. central_lock',
			);
			const expected = fields.text('value', 'Value', 'the value to compare with, e.g. UNLOCKED');
			const negate = type === 'propertyNotEquals';
			return {
				watched: { source: 'state', name: property },
				test: { kind: 'equals', expected: expected.toLowerCase(), negate },
				defaultName: `${property}_${negate ? 'not_' : ''}${expected}`.toLowerCase(),
			};
		}
		case 'propertyChanged': {
			const property = fields.text('property', 'Property Name', 'a state property, e.g. ignition');
			return {
				watched: { source: 'state', name: property },
				test: { kind: 'changed' },
				defaultName: `${property}_changed`,
			};
		}
		case 'lifeStatusBecomes': {
			const status = fields.text(
				'lifeStatus',
				'Life Status',
				`a life status, e.g. ${knownValues.lifeStatus.join(' or ')}`,
			);
			return {
				watched: { source: 'vehicle', name: LIFE_STATUS_FIELD },
				test: { kind: 'equals', expected: status.toLowerCase(), negate: false },
				defaultName: `life_status_${status.toLowerCase()}`,
			};
		}
		case 'operationStatusChanged':
			return {
				watched: { source: 'vehicle', name: OPERATION_STATUS_FIELD },
				test: { kind: 'changed' },
				defaultName: 'operation_status_changed',
			};
	}
}

function readHysteresisMetres(fields: FieldReader): number {
	const hysteresis = fields.number(
		'hysteresisMetres',
		'Hysteresis (Metres)',
		DEFAULT_HYSTERESIS_METRES,
	);
	if (hysteresis < 0) fields.fail('Hysteresis (Metres)', `must be 0 or more, got ${hysteresis}`);
	return hysteresis;
}
