/**
 * Watched conditions through the real trigger on the real RabbitMQ: how many executions start for
 * a stream of events, whatever the parallel limit, the items they carry, the retry of a failed
 * execution, and the checks at activation.
 */
import { randomUUID } from 'node:crypto';

import type { EventEnvelope } from '../../simulator/amqpPublisher';
import type { Execution } from '../harness/trigger';
import { until, vehicleChanged } from '../harness/triggerAmqp';
import { useTriggerTestBed } from '../harness/triggerTestBed';

const bed = useTriggerTestBed();

const T0 = Date.parse('2026-04-01T08:00:00.000Z');

function chargeEvent(vehicleId: string, level: number, seconds: number): EventEnvelope {
	const at = new Date(T0 + seconds * 1000).toISOString();
	return {
		metadata: {
			id: randomUUID(),
			type: 'VehicleStateRecorded',
			schema_major_version: 1,
			occurred_at: at,
			flow_id: randomUUID(),
		},
		data: {
			vehicle_id: vehicleId,
			vehicle_state: {
				state_of_charge_or_fuel_level_in_percent: { timestamp: at, value: level },
				mileage_in_kilometers: { timestamp: at, value: 1000 + seconds },
			},
		},
	};
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
		return state / 2 ** 31;
	};
}

const LOW_CHARGE = {
	startOn: 'conditionChange',
	conditions: {
		condition: [{ type: 'chargeBelow', name: 'low', belowPercent: 20, hysteresisPercent: 5 }],
	},
	startWhenCleared: true,
};

describe('watched conditions on the real broker', () => {
	it('1,000 events of 20 vehicles around a threshold start exactly one execution per crossing', async () => {
		const next = random(42);
		const vehicles = Array.from({ length: 20 }, (_, i) => `V${String(i).padStart(2, '0')}`);
		// 50 readings per vehicle wobbling around 20 % (10..34), interleaved across vehicles; every
		// tenth pair is swapped, so an older reading is delivered after a newer one.
		const events: Array<{
			vehicle: string;
			level: number;
			seconds: number;
			envelope: EventEnvelope;
		}> = [];
		for (let step = 0; step < 50; step++) {
			for (const vehicle of vehicles) {
				const level = Math.round(10 + next() * 24);
				const seconds = step * 10;
				events.push({ vehicle, level, seconds, envelope: chargeEvent(vehicle, level, seconds) });
			}
		}
		for (let i = 40; i + 20 < events.length; i += 200) {
			[events[i], events[i + 20]] = [events[i + 20], events[i]];
		}
		expect(events).toHaveLength(1000);

		// What should start, computed independently: per vehicle, in delivery order, ignoring a
		// reading older than the newest one known; entered below 20, cleared at 25 or more.
		const expected: string[] = [];
		const known = new Map<string, { seconds: number; low: boolean }>();
		for (const { vehicle, level, seconds, envelope } of events) {
			const before = known.get(vehicle);
			if (before && seconds <= before.seconds) continue;
			const low = before?.low ? level < 25 : level < 20;
			if ((before === undefined && low) || (before && low !== before.low)) {
				expected.push(`${envelope.metadata.id}:${low ? 'entered' : 'cleared'}`);
			}
			known.set(vehicle, { seconds, low });
		}
		expect(expected.length).toBeGreaterThan(100);

		// Executions end in a random order, up to 20 running at once.
		const delays = random(7);
		const trigger = await bed.start(
			{ queues: bed.broker.states, ...LOW_CHARGE, options: { prefetch: 20 } },
			(execution: Execution) => {
				setTimeout(() => execution.succeed(), Math.floor(delays() * 15));
			},
		);
		for (const { envelope } of events) await bed.broker.publisher.publish(envelope);
		await trigger.waitForExecutions(expected.length, 30_000);
		await until(async () => (await bed.broker.queueDepth(bed.broker.states)) === 0, 15_000);
		await until(() => trigger.executions.every((execution) => execution.settled), 10_000);
		// Nothing more comes after the last crossing.
		await new Promise((resolve) => setTimeout(resolve, 300));

		const started = trigger.executions.map(
			(execution) => `${execution.items[0].event_id}:${execution.items[0].transition}`,
		);
		expect(trigger.executions.every((execution) => execution.items.length === 1)).toBe(true);
		expect(new Set(started).size).toBe(started.length);
		expect([...started].sort()).toEqual([...expected].sort());
		await trigger.close();
		expect(trigger.summary()).toMatchObject({
			received: 1000,
			emitted: expected.length,
			noTransition: 1000 - expected.length,
			acked: 1000,
			requeued: 0,
			rejected: 0,
			watchedVehicles: 20,
			forgottenVehicles: 0,
		});
	}, 60_000);

	it('an item names the condition, the transition, the values and carries the event', async () => {
		const trigger = await bed.start({
			queues: `${bed.broker.states}, ${bed.broker.changes}`,
			startOn: 'conditionChange',
			conditions: {
				condition: [
					{ type: 'chargeBelow', name: 'low', belowPercent: 20 },
					{ type: 'lifeStatusBecomes', name: 'offline', lifeStatus: 'OFFLINE' },
				],
			},
		});
		await bed.broker.publisher.publish(chargeEvent('JQ7RP', 50, 0));
		const low = chargeEvent('JQ7RP', 12, 60);
		await bed.broker.publisher.publish(low);
		const offline = vehicleChanged('JQ7RP', ['LIFE_STATUS_CHANGED']);
		(offline.data as { vehicle: Record<string, unknown> }).vehicle.life_status = {
			value: 'OFFLINE',
			modified_at: '2026-04-01T08:02:00.000Z',
		};
		await bed.broker.publisher.publish(offline);
		await trigger.waitForExecutions(2);
		const [charge, life] = trigger.executions.map((execution) => execution.items[0]);
		expect(charge).toMatchObject({
			condition: 'low',
			transition: 'entered',
			previous_value: 50,
			current_value: 12,
			value_recorded_at: '2026-04-01T08:01:00.000Z',
			conditions_met: ['low'],
			event_id: low.metadata.id,
			event_type: 'VehicleStateRecorded',
			occurred_at: '2026-04-01T08:01:00.000Z',
			vehicle_id: 'JQ7RP',
			vehicle_state: { state_of_charge_or_fuel_level_in_percent: 12, mileage_in_kilometers: 1060 },
			queue: bed.broker.states,
		});
		expect(life).toMatchObject({
			condition: 'offline',
			transition: 'entered',
			previous_value: null,
			current_value: 'OFFLINE',
			conditions_met: ['low', 'offline'],
			event_id: offline.metadata.id,
			vehicle: { id: 'JQ7RP' },
		});
		await trigger.close();
		expect(trigger.summary()).toMatchObject({ emitted: 2, noTransition: 1, acked: 3 });
	});

	it('a failed execution (only when it succeeds) is started again for its transition, not swallowed', async () => {
		let attempts = 0;
		const trigger = await bed.start(
			{ queues: bed.broker.states, ackMode: 'executionSucceeded', ...LOW_CHARGE },
			(execution: Execution) => {
				attempts++;
				setImmediate(() => (attempts === 1 ? execution.fail() : execution.succeed()));
			},
		);
		const low = chargeEvent('AB12C', 10, 0);
		await bed.broker.publisher.publish(low);
		await trigger.waitForExecutions(2);
		// A later reading that changes nothing is acknowledged without a start.
		await bed.broker.publisher.publish(chargeEvent('AB12C', 11, 10));
		await until(async () => (await bed.broker.queueDepth(bed.broker.states)) === 0);
		await until(() => trigger.executions.every((execution) => execution.settled));
		await trigger.close();
		expect(
			trigger.executions.map((execution) => [
				execution.items[0].event_id,
				execution.items[0].transition,
				execution.items[0].redelivered,
			]),
		).toEqual([
			[low.metadata.id, 'entered', false],
			[low.metadata.id, 'entered', true],
		]);
		expect(trigger.summary()).toMatchObject({ requeued: 1, acked: 2, noTransition: 1 });
		expect(await bed.broker.queueDepth(bed.broker.deadLetter(bed.broker.states))).toBe(0);
	});

	it('a test run waits for the first transition, acknowledging events that change nothing', async () => {
		const trigger = await bed.start({ queues: bed.broker.states, ...LOW_CHARGE }, 'hold', {
			mode: 'manual',
		});
		await bed.broker.publisher.publish(chargeEvent('T1', 50, 0));
		const low = chargeEvent('T1', 10, 10);
		await bed.broker.publisher.publish(low);
		await bed.broker.publisher.publish(chargeEvent('T1', 60, 20));
		await trigger.waitForExecutions(1);
		expect(trigger.executions[0].items).toEqual([
			expect.objectContaining({
				event_id: low.metadata.id,
				condition: 'low',
				transition: 'entered',
			}),
		]);
		await trigger.close();
		trigger.executions[0].succeed();
		await until(() => trigger.summary() !== undefined, 3000, 'the test run to end');
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.summary()).toMatchObject({ emitted: 1, noTransition: 1, acked: 2 });
		// The event after the transition stays for the production trigger.
		expect(await bed.broker.queueDepth(bed.broker.states)).toBe(1);
	});

	it('a value stamped far in the future (a unit with a wrong clock) never freezes the property', async () => {
		const trigger = await bed.start({ queues: bed.broker.states, ...LOW_CHARGE });
		const now = Date.now();
		const stamped = (level: number, at: number) => {
			const event = chargeEvent('F1', level, 0);
			const state = (event.data as { vehicle_state: Record<string, { timestamp: string }> })
				.vehicle_state;
			for (const entry of Object.values(state)) entry.timestamp = new Date(at).toISOString();
			return event;
		};
		await bed.broker.publisher.publish(stamped(50, now + 365 * 24 * 3600_000));
		await bed.broker.publisher.publish(stamped(10, now));
		await trigger.waitForExecutions(1);
		expect(trigger.executions[0].items[0]).toMatchObject({
			condition: 'low',
			transition: 'entered',
			current_value: 10,
		});
		await trigger.close();
		expect(trigger.summary()).toMatchObject({ futureTimestamps: 1 });
		const warnings = trigger.logs.filter((log) => /min ahead/.test(log.message));
		expect(warnings).toHaveLength(1);
		expect(warnings[0].message).toContain('vehicle F1');
	});

	it('refuses to activate with a condition that cannot work, naming the field', async () => {
		await expect(
			bed.start({
				startOn: 'conditionChange',
				conditions: {
					condition: [
						{
							type: 'outsideCircle',
							name: 'depot',
							latitude: 52.5,
							longitude: 13.4,
							radiusMetres: -5,
						},
					],
				},
			}),
		).rejects.toThrow('Condition 1 (depot): "Radius (Metres)" must be greater than 0, got -5');
		await expect(bed.start({ startOn: 'conditionChange' })).rejects.toThrow(
			'Add at least one condition under "Conditions"',
		);
	});
});
