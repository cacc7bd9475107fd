/**
 * "Start the Workflow: In Batches" through the real trigger on the real RabbitMQ: batch bounds
 * (count, wait, bytes), delivery order, acknowledgement per batch in every mode, Requeue Once as
 * a whole, the parallel bound, close, test runs, and connection drops without loss or double
 * starts.
 */
import { randomUUID } from 'node:crypto';

import type { EventEnvelope } from '../../simulator/amqpPublisher';
import type { Execution } from '../harness/trigger';
import { until, vehicleChanged } from '../harness/triggerAmqp';
import { useTriggerTestBed } from '../harness/triggerTestBed';

const bed = useTriggerTestBed({ throughProxy: true });

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

function batch(settings: Record<string, unknown> = {}): Record<string, unknown> {
	return { startOn: 'batch', batchMaxEvents: 500, batchMaxWait: 0.3, ...settings };
}

const idsOf = (execution: Execution) => execution.items.map((item) => String(item.event_id));

async function publishAll(events: EventEnvelope[]): Promise<string[]> {
	for (const event of events) await bed.broker.publisher.publish(event);
	return events.map((event) => event.metadata.id);
}

const changes = (count: number, prefix = 'V') =>
	Array.from({ length: count }, (_, i) => vehicleChanged(`${prefix}${i % 37}`));

describe('In Batches', () => {
	it('closes a batch at Max Events, keeps delivery order, and starts the rest after Max Wait', async () => {
		const trigger = await bed.start(batch({ batchMaxEvents: 100, batchMaxWait: 3 }));
		const published = await publishAll(changes(250));
		await trigger.waitForExecutions(3);
		await until(async () => (await bed.broker.queueDepth(bed.broker.changes)) === 0);
		expect(trigger.executions.map((e) => e.items.length)).toEqual([100, 100, 50]);
		expect(trigger.executions.flatMap(idsOf)).toEqual(published);
		expect(trigger.executions[0].items[0]).toMatchObject({
			event_type: 'VehicleChanged',
			vehicle: { id: 'V0' },
		});
	});

	it('acknowledges a batch only after its execution ended: closing while it runs returns every event', async () => {
		const trigger = await bed.start(batch({ options: { closeTimeout: 0 } }), 'hold');
		await publishAll(changes(40));
		await trigger.waitForExecutions(1);
		expect(trigger.executions[0].items).toHaveLength(40);
		await trigger.close();
		await until(async () => (await bed.broker.queueDepth(bed.broker.changes)) === 40);
		expect(trigger.summary()).toMatchObject({ acked: 0, unansweredAtClose: 40 });
	});

	it('Requeue Once: a failed batch comes back once as a whole, then its events are dead-lettered', async () => {
		const trigger = await bed.start(batch({ ackMode: 'executionSucceeded' }), 'failure');
		const published = await publishAll(changes(30));
		await until(
			async () => (await bed.broker.queueDepth(bed.broker.deadLetter(bed.broker.changes))) === 30,
			15_000,
			'every event dead-lettered',
		);
		expect(trigger.executions.map((e) => e.items.length)).toEqual([30, 30]);
		expect(new Set(idsOf(trigger.executions[1]))).toEqual(new Set(published));
		expect(trigger.executions[1].items.every((item) => item.redelivered === true)).toBe(true);
		expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(0);
	});

	it('a failed batch that then succeeds is acknowledged, nothing dead-lettered', async () => {
		let runs = 0;
		const trigger = await bed.start(batch({ ackMode: 'executionSucceeded' }), (execution) => {
			if (runs++ === 0) setImmediate(() => execution.fail());
			else setImmediate(() => execution.succeed());
		});
		await publishAll(changes(20));
		await trigger.waitForExecutions(2);
		await until(async () => (await bed.broker.queueDepth(bed.broker.changes)) === 0);
		await sleep(200);
		expect(await bed.broker.queueDepth(bed.broker.deadLetter(bed.broker.changes))).toBe(0);
		await trigger.close();
		expect(trigger.summary()).toMatchObject({ requeued: 20, acked: 20, rejected: 0 });
	});

	it('closes a batch before the next event would pass Max Batch Size', async () => {
		const trigger = await bed.start(batch({ options: { maxBatchSizeMb: 1 } }));
		// About 300 KB each: three fit in 1 MB, the fourth starts the next batch.
		const large = Array.from({ length: 7 }, (_, i) => {
			const event = vehicleChanged(`L${i}`);
			(event.data as { vehicle: Record<string, unknown> }).vehicle.note = 'x'.repeat(300_000);
			return event;
		});
		const published = await publishAll(large);
		await until(() => trigger.executions.flatMap(idsOf).length === 7);
		expect(trigger.executions.map((e) => e.items.length)).toEqual([3, 3, 1]);
		expect(trigger.executions.flatMap(idsOf)).toEqual(published);
	});

	it('runs at most Parallel Batches at once; the next batch fills meanwhile, the broker keeps the rest', async () => {
		const trigger = await bed.start(
			batch({ batchMaxEvents: 50, batchMaxWait: 30, parallelBatches: 1 }),
			'hold',
		);
		await publishAll(changes(200));
		await trigger.waitForExecutions(1);
		// Prefetch: 50 × (1 + 1): the running batch and one full batch waiting.
		await until(async () => (await bed.broker.queueDepth(bed.broker.changes)) === 100);
		await sleep(500);
		expect(trigger.executions).toHaveLength(1);
		trigger.executions[0].succeed();
		await trigger.waitForExecutions(2);
		expect(trigger.executions[1].items).toHaveLength(50);
		trigger.executions[1].succeed();
		await trigger.waitForExecutions(3);
		trigger.executions[2].succeed();
		await trigger.waitForExecutions(4);
		trigger.executions[3].succeed();
		await until(async () => (await bed.broker.queueDepth(bed.broker.changes)) === 0);
		expect(trigger.executions.map((e) => e.items.length)).toEqual([50, 50, 50, 50]);
	});

	it('a due batch that finds every slot busy keeps collecting until one frees', async () => {
		const trigger = await bed.start(batch({ batchMaxEvents: 100, batchMaxWait: 0.1 }), 'hold');
		await publishAll(changes(10));
		await trigger.waitForExecutions(1);
		await publishAll(changes(10, 'W'));
		await sleep(300);
		await publishAll(changes(10, 'X'));
		await sleep(300);
		expect(trigger.executions).toHaveLength(1);
		trigger.executions[0].succeed();
		await trigger.waitForExecutions(2);
		expect(trigger.executions[1].items).toHaveLength(20);
		trigger.executions[1].succeed();
	});

	it('Acknowledge Immediately: acknowledged as the batch starts, still one batch at a time', async () => {
		const trigger = await bed.start(
			batch({ batchMaxEvents: 20, ackMode: 'immediately', options: { closeTimeout: 0 } }),
			'hold',
		);
		await publishAll(changes(60));
		await trigger.waitForExecutions(1);
		await sleep(500);
		expect(trigger.executions).toHaveLength(1);
		// Acknowledged at start, so closing now returns only what did not start.
		await trigger.close();
		await until(async () => (await bed.broker.queueDepth(bed.broker.changes)) === 40);
		expect(trigger.summary()).toMatchObject({ acked: 20 });
	});

	it('closing returns batches that did not start to the queue', async () => {
		const trigger = await bed.start(batch({ batchMaxWait: 60 }));
		await publishAll(changes(25));
		await sleep(500);
		expect(trigger.executions).toHaveLength(0);
		await trigger.close();
		await until(async () => (await bed.broker.queueDepth(bed.broker.changes)) === 25);
		expect(trigger.summary()).toMatchObject({ requeued: 25, emitted: 0 });
	});

	it('a test run shows one batch and leaves the rest in the queue', async () => {
		const trigger = await bed.start(batch({ batchMaxEvents: 10 }), 'success', {
			mode: 'manual',
		});
		await publishAll(changes(25));
		await trigger.waitForExecutions(1);
		expect(trigger.executions[0].items).toHaveLength(10);
		await sleep(500);
		await trigger.close();
		expect(trigger.executions).toHaveLength(1);
		await until(async () => (await bed.broker.queueDepth(bed.broker.changes)) === 15);
	});

	it.each(['executionFinished', 'executionSucceeded', 'immediately'])(
		'connection drops mid-stream (acknowledge %s): every event in exactly one batch, none lost',
		async (ackMode) => {
			const trigger = await bed.start(
				batch({ batchMaxEvents: 40, batchMaxWait: 0.05, ackMode, parallelBatches: 2 }),
				(execution) => void setTimeout(() => execution.succeed(), 10 + Math.random() * 40),
			);
			const total = 600;
			const published: string[] = [];
			const publishing = (async () => {
				for (let i = 0; i < total; i++) {
					const event = vehicleChanged(`V${i % 23}`);
					published.push(event.metadata.id);
					await bed.broker.publisher.publish(event);
					if (i % 20 === 0) await sleep(5);
				}
			})();
			for (let drop = 0; drop < 3; drop++) {
				await until(
					() => trigger.executions.flatMap(idsOf).length > (drop + 1) * 120,
					15_000,
					`progress ${drop}`,
				);
				bed.proxy.cut();
			}
			await publishing;
			await until(
				async () =>
					new Set(trigger.executions.flatMap(idsOf)).size === total &&
					(await bed.broker.queueDepth(bed.broker.changes)) === 0,
				20_000,
				'all events processed and acknowledged',
			);
			await sleep(300);
			const ids = trigger.executions.flatMap(idsOf);
			expect(new Set(ids)).toEqual(new Set(published));
			expect(ids).toHaveLength(total);
			await trigger.close();
			expect(Number(trigger.summary()!.reconnects)).toBeGreaterThanOrEqual(3);
			expect(JSON.stringify(trigger.logs)).not.toMatch(/PRECONDITION|unknown delivery tag/);
		},
		45_000,
	);
});

const T0 = Date.parse('2026-05-01T08:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

function state(vehicleId: string, seconds: number, values: Record<string, unknown>): EventEnvelope {
	const vehicle_state: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(values)) {
		vehicle_state[name] = { timestamp: at(seconds), value };
	}
	return {
		metadata: {
			id: randomUUID(),
			type: 'VehicleStateRecorded',
			schema_major_version: 2,
			occurred_at: at(seconds),
			flow_id: randomUUID(),
		},
		data: { vehicle_id: vehicleId, vehicle_state },
	};
}

function changed(vehicleId: string, seconds: number, operation: string, reasons: string[]) {
	const event = vehicleChanged(vehicleId, reasons, { occurred_at: at(seconds) });
	Object.assign((event.data as { vehicle: Record<string, unknown> }).vehicle, {
		modified_at: at(seconds),
		operation_status: { value: operation },
	});
	return event;
}

describe('In Batches, Latest per Vehicle', () => {
	it('one item per vehicle: states merged by each property timestamp, the newest vehicle, every event named', async () => {
		const trigger = await bed.start(
			batch({
				queues: `${bed.broker.states},${bed.broker.changes},${bed.broker.trips}`,
				latestPerVehicle: true,
				batchMaxWait: 1,
			}),
		);
		const events: EventEnvelope[] = [
			state('V1', 10, { state_of_charge_or_fuel_level_in_percent: 50, mileage_in_kilometers: 100 }),
			changed('V2', 50, 'GARAGE', ['OPERATION_STATUS_CHANGED']),
			state('V1', 30, { state_of_charge_or_fuel_level_in_percent: 40 }),
			// Older than what came before: changes nothing it already has newer, adds what it lacks.
			state('V1', 20, {
				state_of_charge_or_fuel_level_in_percent: 90,
				position: { lat: 1, lon: 2 },
			}),
			changed('V2', 40, 'OPERATING', ['MASTER_DATA_CHANGED']),
			{
				metadata: { id: 'trip-1', type: 'TripEnded', schema_major_version: 1 },
				data: { vehicle_id: 'V1', trip_id: 'T1' },
			},
			{
				metadata: { id: 'unreadable-1', type: 'VehicleStateRecorded', schema_major_version: 9 },
				data: { readings: [] },
			} as unknown as EventEnvelope,
		];
		const published: string[] = [];
		for (const event of events) {
			published.push(event.metadata.id);
			await bed.broker.publisher.publish(event);
		}
		await trigger.waitForExecutions(1);
		const items = trigger.executions[0].items;
		expect(items.map((item) => item.vehicle_id ?? item.event_id)).toEqual([
			'V1',
			'V2',
			'V1', // the trip: not merged
			'unreadable-1', // the unreadable state event: its own item, as received
		]);
		expect(items[0]).toMatchObject({
			vehicle_state: {
				state_of_charge_or_fuel_level_in_percent: 40,
				mileage_in_kilometers: 100,
				position: { lat: 1, lon: 2 },
			},
			state_recorded_at: at(30),
			// Simplified values keep their own times: a store compares per property, not by the newest.
			vehicle_state_timestamps: {
				state_of_charge_or_fuel_level_in_percent: at(30),
				mileage_in_kilometers: at(10),
				position: at(20),
			},
			vehicle: null,
			event_count: 3,
			event_ids: [published[0], published[2], published[3]],
			event_types: ['VehicleStateRecorded'],
		});
		expect(items[1]).toMatchObject({
			vehicle: { id: 'V2', operation_status: { value: 'GARAGE' } },
			vehicle_modified_at: at(50),
			reasons: ['OPERATION_STATUS_CHANGED', 'MASTER_DATA_CHANGED'],
			vehicle_state: null,
			event_count: 2,
		});
		expect(items[2]).toMatchObject({ event_id: 'trip-1', event_type: 'TripEnded' });
		expect(items[3]).toMatchObject({ event_id: 'unreadable-1', data: { readings: [] } });
	});

	it('a value stamped far in the future never wins the merge', async () => {
		const trigger = await bed.start(
			batch({ queues: bed.broker.states, latestPerVehicle: true, batchMaxWait: 0.5 }),
		);
		const now = Date.now();
		const future = state('V7', 0, { state_of_charge_or_fuel_level_in_percent: 99 });
		const stamp = new Date(now + 365 * 24 * 3600_000).toISOString();
		(
			future.data as { vehicle_state: Record<string, { timestamp: string }> }
		).vehicle_state.state_of_charge_or_fuel_level_in_percent.timestamp = stamp;
		const real = state('V7', 0, { state_of_charge_or_fuel_level_in_percent: 12 });
		(
			real.data as { vehicle_state: Record<string, { timestamp: string }> }
		).vehicle_state.state_of_charge_or_fuel_level_in_percent.timestamp = new Date(
			now,
		).toISOString();
		await bed.broker.publisher.publish(future);
		await bed.broker.publisher.publish(real);
		await trigger.waitForExecutions(1);
		expect(trigger.executions[0].items[0]).toMatchObject({
			vehicle_state: { state_of_charge_or_fuel_level_in_percent: 12 },
			event_count: 2,
		});
		await trigger.close();
		expect(trigger.summary()).toMatchObject({ futureTimestamps: 1 });
		expect(trigger.logs.some((log) => log.level === 'warn' && /min ahead/.test(log.message))).toBe(
			true,
		);
	});
});
