/**
 * The watched-conditions evaluator on its own (pure: parsed events in, transitions out): reading
 * and checking the parameters, partial states, out-of-order events, hysteresis, the restart
 * semantics, the memory cap, and the retry of a transition whose execution was requeued.
 */
import { randomUUID } from 'node:crypto';

import type { Logger } from 'n8n-workflow';

import type { RawCondition } from '../../nodes/InversTrigger/conditions/definitions';
import { readConditions } from '../../nodes/InversTrigger/conditions/definitions';
import type { EvaluatorOptions } from '../../nodes/InversTrigger/conditions/evaluator';
import { ConditionEvaluator } from '../../nodes/InversTrigger/conditions/evaluator';
import { distanceMetres } from '../../nodes/InversTrigger/conditions/geo';
import { ConditionWatcher } from '../../nodes/InversTrigger/conditions/watcher';
import type { ParsedEvent } from '../../nodes/InversTrigger/events/parseEvent';
import { parseEvent } from '../../nodes/InversTrigger/events/parseEvent';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
/** An ISO timestamp `seconds` after T0. */
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function parse(envelope: object): ParsedEvent {
	const result = parseEvent(Buffer.from(JSON.stringify(envelope)));
	if (!result.ok) throw new Error(result.reason);
	return result.event;
}

/** A VehicleStateRecorded with the given properties, each `[value, seconds after T0]`. */
function state(
	vehicleId: string,
	properties: Record<string, [unknown, number]>,
	id: string = randomUUID(),
): ParsedEvent {
	const vehicleState: Record<string, unknown> = {};
	let newest = 0;
	for (const [name, [value, seconds]] of Object.entries(properties)) {
		vehicleState[name] = { timestamp: at(seconds), value };
		newest = Math.max(newest, seconds);
	}
	return parse({
		metadata: {
			id,
			type: 'VehicleStateRecorded',
			schema_major_version: 1,
			occurred_at: at(newest),
		},
		data: { vehicle_id: vehicleId, vehicle_state: vehicleState },
	});
}

function changed(
	vehicleId: string,
	vehicle: Record<string, unknown>,
	seconds: number,
	id: string = randomUUID(),
): ParsedEvent {
	return parse({
		metadata: { id, type: 'VehicleChanged', schema_major_version: 1, occurred_at: at(seconds) },
		data: { vehicle: { id: vehicleId, ...vehicle }, reasons: ['LIFE_STATUS_CHANGED'] },
	});
}

const charge = (value: number, seconds: number) => ({
	state_of_charge_or_fuel_level_in_percent: [value, seconds] as [unknown, number],
});

function evaluator(conditions: RawCondition[], options: Partial<EvaluatorOptions> = {}) {
	return new ConditionEvaluator(readConditions(conditions), {
		startWhenCleared: true,
		skipMetAtStart: false,
		maxVehicles: 1000,
		...options,
	});
}

/** The transitions of one event as `condition:transition` strings. */
function run(target: ConditionEvaluator, event: ParsedEvent): string[] {
	const evaluation = target.evaluate(event);
	return (evaluation?.transitions ?? []).map((t) => `${t.condition.name}:${t.transition}`);
}

const LOW: RawCondition = {
	type: 'chargeBelow',
	name: 'low',
	belowPercent: 20,
	hysteresisPercent: 5,
};

describe('reading the conditions', () => {
	it('derives names, reads numbers given as text and lower-cases compared values', () => {
		const definitions = readConditions([
			{ type: 'chargeBelow', belowPercent: '15' },
			{ type: 'outsideCircle', latitude: 52.52, longitude: 13.405, radiusMetres: 5000 },
			{ type: 'propertyEquals', property: 'central_lock', value: 'UNLOCKED' },
			{ type: 'lifeStatusBecomes', lifeStatus: 'OFFLINE' },
			{ type: 'operationStatusChanged' },
		]);
		expect(definitions.map((d) => d.name)).toEqual([
			'charge_below_15',
			'outside_circle',
			'central_lock_unlocked',
			'life_status_offline',
			'operation_status_changed',
		]);
		expect(definitions[0].test).toEqual({ kind: 'below', threshold: 15, clearAt: 20 });
		expect(definitions[2].test).toEqual({ kind: 'equals', expected: 'unlocked', negate: false });
		expect(definitions[3].watched).toEqual({ source: 'vehicle', name: 'life_status' });
	});

	it.each([
		[[], /Add at least one condition under "Conditions"/],
		[
			[{ type: 'chargeBelow', belowPercent: 120 }],
			/Condition 1: "Threshold \(%\)" must be from 0 to 100, got 120/,
		],
		[
			[{ type: 'chargeBelow', belowPercent: 'low' }],
			/"Threshold \(%\)" must be a number, got "low"/,
		],
		[
			[{ type: 'chargeBelow', belowPercent: 20, hysteresisPercent: -1 }],
			/"Hysteresis \(Percentage Points\)" must be 0 or more/,
		],
		[
			[{ type: 'outsideCircle', name: 'depot', latitude: 52, longitude: 13, radiusMetres: 0 }],
			/Condition 1 \(depot\): "Radius \(Metres\)" must be greater than 0, got 0/,
		],
		[
			[{ type: 'outsideCircle', latitude: 95, longitude: 13, radiusMetres: 10 }],
			/"Latitude of Centre" must be from -90 to 90, got 95/,
		],
		[
			[{ type: 'outsideCircle', latitude: 52, longitude: 190, radiusMetres: 10 }],
			/"Longitude of Centre" must be from -180 to 180, got 190/,
		],
		[
			[
				{
					type: 'outsideCircle',
					latitude: 52,
					longitude: 13,
					radiusMetres: 100,
					hysteresisMetres: 100,
				},
			],
			/"Hysteresis \(Metres\)" must be less than the radius \(100 m\), got 100/,
		],
		[
			[
				{
					type: 'outsideBox',
					minLatitude: 53,
					maxLatitude: 52,
					minLongitude: 13,
					maxLongitude: 14,
				},
			],
			/"Min Latitude" \(53\) must be less than Max Latitude \(52\)/,
		],
		[
			[
				{
					type: 'outsideBox',
					minLatitude: 52,
					maxLatitude: 53,
					minLongitude: 14,
					maxLongitude: 14,
				},
			],
			/"Min Longitude" \(14\) must be less than Max Longitude \(14\)/,
		],
		[
			[
				{
					type: 'outsideBox',
					minLatitude: 52,
					maxLatitude: 52.001,
					minLongitude: 13,
					maxLongitude: 14,
					hysteresisMetres: 100,
				},
			],
			/"Hysteresis \(Metres\)" \(100\) is too large for this box/,
		],
		[[{ type: 'propertyEquals', property: ' ', value: 'x' }], /"Property Name" is empty/],
		[[{ type: 'propertyEquals', property: 'ignition' }], /"Value" is empty/],
		[
			[{ type: 'somethingElse' }],
			/"Condition Type" is "somethingElse", which is not a known condition/,
		],
		[
			[
				{ type: 'chargeBelow', name: 'a', belowPercent: 10 },
				{ type: 'operationStatusChanged', name: 'a' },
			],
			/Condition 2: the name "a" is already used by condition 1/,
		],
	] as Array<[RawCondition[], RegExp]>)('rejects %j', (conditions, message) => {
		expect(() => readConditions(conditions)).toThrow(message);
	});
});

describe('thresholds and hysteresis', () => {
	it('enters once below the threshold and clears only at threshold + hysteresis', () => {
		const target = evaluator([LOW]);
		const levels = [30, 19, 18, 21, 19, 24, 25, 22, 19];
		const result = levels.map((level, i) => run(target, state('V1', charge(level, i))));
		expect(result).toEqual([
			[],
			['low:entered'],
			[],
			[],
			[],
			[],
			['low:cleared'],
			[],
			['low:entered'],
		]);
	});

	it('records a clearing without starting for it unless "Also Start When Cleared" is on', () => {
		const target = evaluator([LOW], { startWhenCleared: false });
		expect([10, 30, 10].map((level, i) => run(target, state('V1', charge(level, i))))).toEqual([
			['low:entered'],
			[],
			['low:entered'],
		]);
	});

	it('says the previous and current value, when the value was true and what is met', () => {
		const target = evaluator([
			LOW,
			{ type: 'propertyEquals', name: 'unlocked', property: 'central_lock', value: 'unlocked' },
		]);
		target.evaluate(state('V1', { ...charge(40, 0), central_lock: ['UNLOCKED', 0] }));
		const evaluation = target.evaluate(state('V1', charge(12, 7)))!;
		expect(evaluation.vehicleId).toBe('V1');
		expect(evaluation.conditionsMet).toEqual(['low', 'unlocked']);
		expect(evaluation.transitions).toEqual([
			expect.objectContaining({
				transition: 'entered',
				previousValue: 40,
				currentValue: 12,
				valueAt: T0 + 7000,
			}),
		]);
	});

	it('ignores a value it cannot read, keeping the condition as it was', () => {
		const target = evaluator([LOW]);
		expect(run(target, state('V1', charge(10, 0)))).toEqual(['low:entered']);
		expect(
			run(target, state('V1', { state_of_charge_or_fuel_level_in_percent: ['n/a', 1] })),
		).toEqual([]);
		expect(run(target, state('V1', charge(50, 2)))).toEqual(['low:cleared']);
	});
});

describe('partial states and out-of-order events', () => {
	it('merges a partial state by property: a state without the value changes nothing', () => {
		const target = evaluator([
			LOW,
			{
				type: 'outsideCircle',
				name: 'away',
				latitude: 52.52,
				longitude: 13.405,
				radiusMetres: 10_000,
			},
		]);
		expect(run(target, state('V1', charge(10, 0)))).toEqual(['low:entered']);
		// Only the position: the low charge is still known and still met.
		const evaluation = target.evaluate(
			state('V1', { position: [{ lat: 48.137, lon: 11.575 }, 1] }),
		)!;
		expect(evaluation.transitions.map((t) => `${t.condition.name}:${t.transition}`)).toEqual([
			'away:entered',
		]);
		expect(evaluation.conditionsMet).toEqual(['low', 'away']);
		expect(run(target, state('V1', { mileage_in_kilometers: [1200, 2] }))).toEqual([]);
	});

	it('never flips a condition for a value older than the one known', () => {
		const target = evaluator([LOW]);
		expect(run(target, state('V1', charge(10, 100)))).toEqual(['low:entered']);
		// Delivered late: recorded before the low value, it must not clear the condition.
		expect(run(target, state('V1', charge(80, 50)))).toEqual([]);
		// Same time as the known value (a copy of the same report): no change either.
		expect(run(target, state('V1', charge(80, 100)))).toEqual([]);
		expect(run(target, state('V1', charge(80, 101)))).toEqual(['low:cleared']);
	});

	it('takes the newer properties of an event whose other properties are older', () => {
		const target = evaluator([
			LOW,
			{ type: 'propertyEquals', name: 'unlocked', property: 'central_lock', value: 'UNLOCKED' },
		]);
		run(target, state('V1', { ...charge(50, 10), central_lock: ['LOCKED', 10] }));
		// The charge reading is older than the known one, the lock reading newer.
		expect(run(target, state('V1', { ...charge(5, 5), central_lock: ['UNLOCKED', 20] }))).toEqual([
			'unlocked:entered',
		]);
		expect(run(target, state('V1', charge(50, 30)))).toEqual([]);
	});

	it('does not flip twice for a redelivered copy of an event already evaluated', () => {
		const target = evaluator([LOW]);
		expect(run(target, state('V1', charge(10, 0), 'event-1'))).toEqual(['low:entered']);
		expect(run(target, state('V1', charge(50, 1), 'event-2'))).toEqual(['low:cleared']);
		// A copy of the first event comes back (a reconnect, de-duplication off or past its window).
		expect(run(target, state('V1', charge(10, 0), 'event-1'))).toEqual([]);
		expect(run(target, state('V1', charge(50, 1), 'event-2'))).toEqual([]);
	});

	it('keeps vehicles apart', () => {
		const target = evaluator([LOW]);
		expect(run(target, state('V1', charge(10, 0)))).toEqual(['low:entered']);
		expect(run(target, state('V2', charge(10, 0)))).toEqual(['low:entered']);
		expect(run(target, state('V1', charge(50, 1)))).toEqual(['low:cleared']);
		expect(run(target, state('V2', charge(11, 1)))).toEqual([]);
	});
});

describe('after a restart (a new activation remembers nothing)', () => {
	it('starts once for a vehicle whose first value already meets a condition', () => {
		const before = evaluator([LOW]);
		expect(run(before, state('V1', charge(10, 0)))).toEqual(['low:entered']);
		expect(run(before, state('V1', charge(9, 1)))).toEqual([]);
		const after = evaluator([LOW]);
		expect(run(after, state('V1', charge(9, 2)))).toEqual(['low:entered']);
		expect(run(after, state('V1', charge(8, 3)))).toEqual([]);
		// A first value that does not meet it is silent.
		expect(run(after, state('V2', charge(60, 3)))).toEqual([]);
	});

	it('with "Skip Conditions Already Met at Start" records it silently and starts on the next entry', () => {
		const target = evaluator([LOW], { skipMetAtStart: true });
		expect(run(target, state('V1', charge(9, 0)))).toEqual([]);
		expect(run(target, state('V1', charge(30, 1)))).toEqual(['low:cleared']);
		expect(run(target, state('V1', charge(9, 2)))).toEqual(['low:entered']);
	});

	it('never calls a first value a change', () => {
		const target = evaluator([{ type: 'propertyChanged', name: 'ignition', property: 'ignition' }]);
		expect(run(target, state('V1', { ignition: ['OFF', 0] }))).toEqual([]);
		expect(run(target, state('V1', { ignition: ['OFF', 1] }))).toEqual([]);
		expect(run(target, state('V1', { ignition: ['ON', 2] }))).toEqual(['ignition:changed']);
	});
});

describe('the memory cap', () => {
	it('forgets the least recently seen vehicle past the cap, counts and reports it', () => {
		const forgotten: string[] = [];
		const target = evaluator([LOW], { maxVehicles: 3, onForget: (id) => forgotten.push(id) });
		for (const id of ['A', 'B', 'C']) run(target, state(id, charge(10, 0)));
		// A was seen again: B is now the least recently seen.
		run(target, state('A', charge(9, 1)));
		expect(run(target, state('D', charge(10, 1)))).toEqual(['low:entered']);
		expect(forgotten).toEqual(['B']);
		expect(target.memory.size).toBe(3);
		expect(target.memory.dropped).toBe(1);
		// A forgotten vehicle counts as first seen again; a remembered one does not start twice.
		expect(run(target, state('B', charge(9, 2)))).toEqual(['low:entered']);
		expect(forgotten).toEqual(['B', 'C']);
		expect(run(target, state('A', charge(8, 2)))).toEqual([]);
		expect(target.memory.size).toBe(3);
	});

	it('remembers a vehicle only once it reported a watched value', () => {
		const target = evaluator([LOW], { maxVehicles: 2 });
		run(target, state('A', { mileage_in_kilometers: [10, 0] }));
		run(target, changed('B', { life_status: { value: 'ONLINE', modified_at: at(0) } }, 0));
		expect(target.memory.size).toBe(0);
	});
});

describe('positions', () => {
	it('measures great-circle distances (haversine)', () => {
		// Berlin Alexanderplatz to Munich Marienplatz: 504 km.
		const distance = distanceMetres({ lat: 52.5219, lon: 13.4132 }, { lat: 48.1374, lon: 11.5755 });
		expect(distance / 1000).toBeCloseTo(504.4, 0);
		expect(distanceMetres({ lat: 0, lon: 0 }, { lat: 0, lon: 1 })).toBeCloseTo(111_195, -1);
	});

	it('outside a circle: enters past the radius, clears only within radius - hysteresis', () => {
		const target = evaluator([
			{
				type: 'outsideCircle',
				name: 'away',
				latitude: 0,
				longitude: 0,
				radiusMetres: 1000,
				hysteresisMetres: 100,
			},
		]);
		// One metre of latitude is 1 / 111,195 degrees.
		const north = (metres: number, seconds: number) => ({
			position: [{ lat: metres / 111_195, lon: 0 }, seconds] as [unknown, number],
		});
		const steps = [500, 1010, 950, 905, 890, 990, 1001].map((metres, i) =>
			run(target, state('V1', north(metres, i))),
		);
		expect(steps).toEqual([[], ['away:entered'], [], [], ['away:cleared'], [], ['away:entered']]);
	});

	it('outside a box, with the box shrunk by the hysteresis to clear', () => {
		const target = evaluator([
			{
				type: 'outsideBox',
				name: 'box',
				minLatitude: 52,
				maxLatitude: 53,
				minLongitude: 13,
				maxLongitude: 14,
				hysteresisMetres: 1000,
			},
		]);
		const position = (lat: number, lon: number, seconds: number) =>
			state('V1', { position: [{ lat, lon }, seconds] });
		expect(run(target, position(52.5, 13.5, 0))).toEqual([]);
		expect(run(target, position(53.001, 13.5, 1))).toEqual(['box:entered']);
		// Inside, but within 1 km of the edge (0.009° of latitude): still outside for the condition.
		expect(run(target, position(52.995, 13.5, 2))).toEqual([]);
		expect(run(target, position(52.98, 13.5, 3))).toEqual(['box:cleared']);
		expect(run(target, position(52.5, 12.9, 4))).toEqual(['box:entered']);
	});

	it('reads coordinates given as text and ignores positions it cannot read', () => {
		const target = evaluator([
			{ type: 'outsideCircle', name: 'away', latitude: 0, longitude: 0, radiusMetres: 1000 },
		]);
		expect(run(target, state('V1', { position: [{ lat: '1', lon: '0' }, 0] }))).toEqual([
			'away:entered',
		]);
		expect(run(target, state('V1', { position: [{ lat: 'x' }, 1] }))).toEqual([]);
		expect(run(target, state('V1', { position: [{ lat: 0, lon: 0 }, 2] }))).toEqual([
			'away:cleared',
		]);
	});
});

describe('properties and vehicle statuses', () => {
	it('equals and does not equal compare as text, ignoring case', () => {
		const target = evaluator([
			{ type: 'propertyEquals', name: 'driving', property: 'driving_enabled', value: 'TRUE' },
			{ type: 'propertyNotEquals', name: 'not_locked', property: 'central_lock', value: 'LOCKED' },
		]);
		expect(
			run(target, state('V1', { driving_enabled: [false, 0], central_lock: ['LOCKED', 0] })),
		).toEqual([]);
		expect(
			run(target, state('V1', { driving_enabled: [true, 1], central_lock: ['unlocked', 1] })),
		).toEqual(['driving:entered', 'not_locked:entered']);
	});

	it('life status from Vehicle Changed, ordered by the status time', () => {
		const target = evaluator([
			{ type: 'lifeStatusBecomes', name: 'offline', lifeStatus: 'OFFLINE' },
			{ type: 'operationStatusChanged', name: 'operation' },
		]);
		const vehicle = (life: string, lifeAt: number, operation: string, operationAt: number) => ({
			life_status: { value: life, modified_at: at(lifeAt) },
			operation_status: { value: operation, modified_at: at(operationAt) },
		});
		expect(run(target, changed('V1', vehicle('ONLINE', 0, 'OPERATING', 0), 0))).toEqual([]);
		expect(run(target, changed('V1', vehicle('OFFLINE', 10, 'OPERATING', 0), 10))).toEqual([
			'offline:entered',
		]);
		// An older event delivered late changes nothing.
		expect(run(target, changed('V1', vehicle('ONLINE', 5, 'OPERATING', 0), 5))).toEqual([]);
		expect(run(target, changed('V1', vehicle('OFFLINE', 10, 'GARAGE', 20), 20))).toEqual([
			'operation:changed',
		]);
		expect(run(target, changed('V1', vehicle('ONLINE', 30, 'GARAGE', 20), 30))).toEqual([
			'offline:cleared',
		]);
	});

	it('takes the vehicle time, then the event time, when a status has none', () => {
		const target = evaluator([
			{ type: 'lifeStatusBecomes', name: 'offline', lifeStatus: 'OFFLINE' },
		]);
		expect(
			run(target, changed('V1', { life_status: { value: 'OFFLINE' }, modified_at: at(10) }, 99)),
		).toEqual(['offline:entered']);
		// The event is newer but the vehicle says the status is older: ignored.
		expect(
			run(target, changed('V1', { life_status: { value: 'ONLINE' }, modified_at: at(5) }, 100)),
		).toEqual([]);
		expect(run(target, changed('V1', { life_status: 'ONLINE' }, 101))).toEqual(['offline:cleared']);
	});

	it('starts nothing for other event types, unreadable layouts or events without a vehicle', () => {
		const target = evaluator([LOW]);
		const trip = parse({
			metadata: { id: 't', type: 'TripEnded', schema_major_version: 1 },
			data: { vehicle_id: 'V1', state_of_charge_or_fuel_level_in_percent: 1 },
		});
		const unreadable = parse({
			metadata: { id: 'n', type: 'VehicleStateRecorded', schema_major_version: 3 },
			data: { vehicle: 'V1', readings: { state_of_charge_or_fuel_level_in_percent: 1 } },
		});
		const anonymous = parse({
			metadata: { id: 'a', type: 'VehicleStateRecorded', schema_major_version: 1 },
			data: { vehicle_state: { state_of_charge_or_fuel_level_in_percent: { value: 1 } } },
		});
		expect([trip, unreadable, anonymous].map((event) => run(target, event))).toEqual([[], [], []]);
		expect(target.memory.size).toBe(0);
	});
});

describe('ConditionWatcher', () => {
	const logs: string[] = [];
	const logger = {
		warn: (message: string) => logs.push(message),
		info: () => undefined,
		debug: () => undefined,
		error: () => undefined,
	} as unknown as Logger;

	const settings = (maxVehicles = 100) => ({
		definitions: readConditions([LOW]),
		startWhenCleared: true,
		skipMetAtStart: false,
		maxVehicles,
	});

	it('starts a requeued transition again when its event comes back, until it is answered', () => {
		const watcher = new ConditionWatcher(settings(), logger);
		const event = state('V1', charge(10, 0), 'e1');
		const first = watcher.check(event, false)!;
		expect(first.transitions).toHaveLength(1);
		// The execution failed and was requeued: the redelivered copy starts the same transition.
		watcher.answered('e1', 'requeue');
		expect(watcher.check(state('V1', charge(10, 0), 'e1'), true)).toBe(first);
		// Acknowledged at last: a later copy finds no transition.
		watcher.answered('e1', 'ack');
		expect(watcher.check(state('V1', charge(10, 0), 'e1'), true)).toBeUndefined();
	});

	it('does not replay for a copy that is not a redelivery', () => {
		const watcher = new ConditionWatcher(settings(), logger);
		watcher.check(state('V1', charge(10, 0), 'e1'), false);
		expect(watcher.check(state('V1', charge(10, 0), 'e1'), false)).toBeUndefined();
	});

	it('builds one item per transition, the condition first, then the event item', () => {
		const watcher = new ConditionWatcher(settings(), logger);
		const evaluation = watcher.check(state('V1', charge(10, 3)), false)!;
		expect(watcher.items({ event_id: 'e', vehicle_id: 'V1' }, evaluation)).toEqual([
			{
				condition: 'low',
				transition: 'entered',
				previous_value: null,
				current_value: 10,
				value_recorded_at: at(3),
				conditions_met: ['low'],
				event_id: 'e',
				vehicle_id: 'V1',
			},
		]);
	});

	it('warns once when vehicles are forgotten, and counts them', () => {
		logs.length = 0;
		const watcher = new ConditionWatcher(settings(2), logger);
		for (const id of ['A', 'B', 'C', 'D']) watcher.check(state(id, charge(50, 0)), false);
		expect(watcher.watchedVehicles).toBe(2);
		expect(watcher.forgottenVehicles).toBe(2);
		expect(logs).toEqual([
			expect.stringMatching(
				/more than 2 vehicles are watched; the least recently seen ones are forgotten \(first: A\)/,
			),
		]);
	});
});
