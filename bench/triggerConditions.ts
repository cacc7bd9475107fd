/**
 * Watched conditions and batches of the INVERS Trigger, side by side in one run (part of
 * `npm run bench:trigger`, or alone: `bash scripts/run-ts.sh bench/triggerConditions.ts -- --events 100000`):
 *
 * - drain throughput: the same queued VehicleStateRecorded events (1,000 vehicles whose charge,
 *   position and lock wander) consumed by the trigger with "For Every Event", with three watched
 *   conditions (charge below 20 %, outside a 15 km circle, central lock UNLOCKED) and in batches of
 *   500 with Latest per Vehicle; each execution completes at once. Timed from the start of
 *   consuming until the last event (a sentinel that starts the workflow in every mode) was handled.
 *   Target: conditions ≥ 0.9x; the batches show the trigger's own rate when executions are few;
 * - the heap the evaluator keeps for 100,000 watched vehicles (one state event each), measured
 *   with forced garbage collections before and after.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

import { connect } from 'amqplib';

import { readConditions } from '../nodes/InversTrigger/conditions/definitions';
import { ConditionEvaluator } from '../nodes/InversTrigger/conditions/evaluator';
import { parseEvent } from '../nodes/InversTrigger/events/parseEvent';
import type { AmqpPublisher, EventEnvelope } from '../simulator/amqpPublisher';
import { createAmqpPublisher } from '../simulator/amqpPublisher';
import { localCredentials, startTrigger } from '../test/harness/trigger';
import type { TriggerRun } from '../test/harness/trigger';
import { uniqueName } from '../test/harness/triggerAmqp';

const BROKER = 'amqp://guest:guest@127.0.0.1:5672';
const VEHICLES = 1_000;
const HEAP_VEHICLES = 100_000;
const SENTINEL = 'SENTINEL';

const CONDITIONS = {
	condition: [
		{ type: 'chargeBelow', name: 'low_charge', belowPercent: 20, hysteresisPercent: 5 },
		{
			type: 'outsideCircle',
			name: 'outside_area',
			latitude: 52.52,
			longitude: 13.405,
			radiusMetres: 15_000,
			hysteresisMetres: 200,
		},
		{ type: 'propertyEquals', name: 'unlocked', property: 'central_lock', value: 'UNLOCKED' },
	],
};

export interface ConditionsBenchOptions {
	events: number;
	prefetch: number;
	rounds: number;
}

/** A deterministic generator: both modes consume exactly the same events. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
		return state / 2 ** 31;
	};
}

function stateEnvelope(
	vehicleId: string,
	at: number,
	state: Record<string, unknown>,
): EventEnvelope {
	const timestamp = new Date(at).toISOString();
	const vehicleState: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(state)) vehicleState[name] = { timestamp, value };
	return {
		metadata: {
			id: randomUUID(),
			type: 'VehicleStateRecorded',
			schema_major_version: 1,
			occurred_at: timestamp,
			flow_id: randomUUID(),
		},
		data: { vehicle_id: vehicleId, vehicle_state: vehicleState },
	};
}

/** `count` state events of 1,000 vehicles wandering around Berlin, then the sentinel. */
function streamOfEvents(count: number): EventEnvelope[] {
	const next = random(1);
	const vehicles = Array.from({ length: VEHICLES }, (_, i) => ({
		id: `BENCH${i}`,
		charge: 10 + next() * 80,
		lat: 52.52 + (next() - 0.5) * 0.3,
		lon: 13.405 + (next() - 0.5) * 0.5,
	}));
	const start = Date.parse('2026-05-01T00:00:00Z');
	const stream: EventEnvelope[] = [];
	for (let i = 0; i < count - 1; i++) {
		const vehicle = vehicles[i % VEHICLES];
		vehicle.charge = Math.min(100, Math.max(0, vehicle.charge + (next() - 0.52) * 4));
		vehicle.lat += (next() - 0.5) * 0.002;
		vehicle.lon += (next() - 0.5) * 0.003;
		stream.push(
			stateEnvelope(vehicle.id, start + i * 10, {
				state_of_charge_or_fuel_level_in_percent: Math.round(vehicle.charge),
				position: { lat: Number(vehicle.lat.toFixed(6)), lon: Number(vehicle.lon.toFixed(6)) },
				central_lock: next() < 0.1 ? 'UNLOCKED' : 'LOCKED',
				mileage_in_kilometers: 1000 + i,
			}),
		);
	}
	// A vehicle seen for the first time, already low: starts the workflow in both modes.
	stream.push(
		stateEnvelope(SENTINEL, start + count * 10, { state_of_charge_or_fuel_level_in_percent: 1 }),
	);
	return stream;
}

async function queueOf(events: EventEnvelope[]): Promise<AmqpPublisher> {
	const publisher = await createAmqpPublisher({
		url: BROKER,
		exchange: uniqueName('bench-conditions'),
		fleetId: uniqueName('bench'),
		topics: [{ name: 'vehicle-states', eventTypes: ['VehicleStateRecorded'] }],
	});
	const window: Promise<void>[] = [];
	for (const event of events) {
		window.push(publisher.publish(event));
		if (window.length >= 2000) await Promise.all(window.splice(0));
	}
	await Promise.all(window);
	return publisher;
}

async function removeQueue(publisher: AmqpPublisher): Promise<void> {
	const connection = await connect(BROKER);
	const channel = await connection.createChannel();
	await channel.deleteQueue(publisher.queues['vehicle-states']);
	await channel.deleteQueue(publisher.deadLetterQueues['vehicle-states']);
	await channel.deleteExchange(publisher.exchange);
	await channel.deleteExchange(`${publisher.exchange}.dead-letter`);
	await publisher.close();
	await connection.close();
}

interface Drain {
	eventsPerSecond: number;
	/** CPU time of this process (trigger and emulated n8n) per event, µs. */
	cpuPerEvent: number;
	executions: number;
}

type Mode = 'everyEvent' | 'watching' | 'batches';

const MODE_PARAMETERS: Record<Mode, object> = {
	everyEvent: {},
	watching: { startOn: 'conditionChange', conditions: CONDITIONS },
	batches: { startOn: 'batch', batchMaxEvents: 500, batchMaxWait: 0.2, latestPerVehicle: true },
};

/** Consumes a queue of `events` in one mode; resolves once the sentinel was handled. */
async function drain(
	events: EventEnvelope[],
	options: ConditionsBenchOptions,
	mode: Mode,
): Promise<Drain> {
	const publisher = await queueOf(events);
	let executions = 0;
	let done: () => void = () => undefined;
	const sentinel = new Promise<void>((resolve) => (done = resolve));
	let run: TriggerRun | undefined = undefined;
	const started = performance.now();
	const cpuBefore = process.cpuUsage();
	run = await startTrigger({
		parameters: {
			queues: publisher.queues['vehicle-states'],
			options: { prefetch: options.prefetch },
			...MODE_PARAMETERS[mode],
		} as never,
		credentials: localCredentials(),
		policy: (execution) => {
			executions++;
			execution.succeed();
			if (execution.items.some((item) => item.vehicle_id === SENTINEL)) done();
			// The harness keeps executions for tests; a long benchmark does not need them.
			if (run) run.executions.length = 0;
		},
	});
	await sentinel;
	const seconds = (performance.now() - started) / 1000;
	const cpu = process.cpuUsage(cpuBefore);
	await run.close();
	await removeQueue(publisher);
	return {
		eventsPerSecond: events.length / seconds,
		cpuPerEvent: (cpu.user + cpu.system) / events.length,
		executions,
	};
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The evaluator's heap for `count` vehicles, each seen once (MB and bytes per vehicle). */
function heapForVehicles(count: number): { megabytes: number; bytesPerVehicle: number } {
	v8.setFlagsFromString('--expose-gc');
	const gc = vm.runInNewContext('gc') as () => void;
	const collect = () => {
		gc();
		gc();
	};
	collect();
	const before = process.memoryUsage().heapUsed;
	const evaluator = new ConditionEvaluator(readConditions(CONDITIONS.condition), {
		startWhenCleared: true,
		skipMetAtStart: false,
		maxVehicles: count,
	});
	const next = random(3);
	const at = Date.parse('2026-05-01T00:00:00Z');
	for (let i = 0; i < count; i++) {
		const envelope = stateEnvelope(`VEHICLE${i}`, at + i, {
			state_of_charge_or_fuel_level_in_percent: Math.round(next() * 100),
			position: { lat: 52.3 + next() * 0.4, lon: 13.1 + next() * 0.6 },
			central_lock: next() < 0.5 ? 'LOCKED' : 'UNLOCKED',
		});
		const parsed = parseEvent(Buffer.from(JSON.stringify(envelope)));
		if (parsed.ok) evaluator.evaluate(parsed.event);
	}
	collect();
	const used = process.memoryUsage().heapUsed - before;
	if (evaluator.memory.size !== count) throw new Error('not every vehicle was remembered');
	return { megabytes: used / 2 ** 20, bytesPerVehicle: used / count };
}

export async function benchConditions(options: ConditionsBenchOptions): Promise<void> {
	console.log(
		`\nwatched conditions: ${options.events} state events of ${VEHICLES} vehicles, prefetch ${options.prefetch}`,
	);
	const events = streamOfEvents(options.events);
	const warmup = streamOfEvents(Math.min(options.events, 5_000));
	const modes: Mode[] = ['everyEvent', 'watching', 'batches'];
	for (const mode of modes) await drain(warmup, options, mode);
	const results: Record<Mode, Drain[]> = { everyEvent: [], watching: [], batches: [] };
	for (let round = 0; round < options.rounds; round++) {
		// A rotating order, so no mode always pays for going first.
		const order = modes.map((_, index) => modes[(index + round) % modes.length]);
		for (const mode of order) results[mode].push(await drain(events, options, mode));
		console.log(
			`round ${round + 1}: For Every Event ${results.everyEvent[round].eventsPerSecond.toFixed(0)}/s, 3 watched conditions ${results.watching[round].eventsPerSecond.toFixed(0)}/s, batches ${results.batches[round].eventsPerSecond.toFixed(0)}/s`,
		);
	}
	const rate = (mode: Mode) => median(results[mode].map((result) => result.eventsPerSecond));
	const cpu = (mode: Mode) => median(results[mode].map((result) => result.cpuPerEvent)).toFixed(0);
	const line = (label: string, mode: Mode, executions: string) =>
		console.log(
			`${label.padEnd(25)}${rate(mode).toFixed(0).padStart(7)} events/s drained (median of ${options.rounds}), ${cpu(mode)} µs CPU/event, ${results[mode][0].executions} executions${executions}`,
		);
	line('For Every Event', 'everyEvent', '');
	line('3 watched conditions', 'watching', ' (one per transition)');
	line('batches, latest/vehicle', 'batches', ' (one per batch of up to 500)');
	console.log(
		`watched conditions drain = ${(rate('watching') / rate('everyEvent')).toFixed(2)}x For Every Event (target ≥ 0.9x); batches ${(rate('batches') / rate('everyEvent')).toFixed(2)}x`,
	);
	const heap = heapForVehicles(HEAP_VEHICLES);
	console.log(
		`heap for ${HEAP_VEHICLES.toLocaleString('en')} watched vehicles (3 conditions, 3 watched values): ${heap.megabytes.toFixed(1)} MB, ${heap.bytesPerVehicle.toFixed(0)} bytes per vehicle`,
	);
}

function argument(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

if (require.main === module) {
	benchConditions({
		events: argument('events', 100_000),
		prefetch: argument('prefetch', 10),
		rounds: argument('rounds', 3),
	}).then(
		() => process.exit(0),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}
