import { stateRecorded, until, vehicleChanged } from '../harness/triggerAmqp';
import { useTriggerTestBed } from '../harness/triggerTestBed';

const bed = useTriggerTestBed();

describe('output', () => {
	it('emits a clean item per event, with the state simplified', async () => {
		const trigger = await bed.start({ queues: `${bed.broker.changes}, ${bed.broker.states}` });
		const changed = vehicleChanged('JQ7RP', ['LIFE_STATUS_CHANGED']);
		const state = stateRecorded('JQ7RP');
		await bed.broker.publisher.publish(changed);
		await bed.broker.publisher.publish(state);
		await trigger.waitForExecutions(2);
		const items = trigger.executions.map((execution) => execution.items[0]);
		const changedItem = items.find((item) => item.event_type === 'VehicleChanged')!;
		expect(changedItem).toMatchObject({
			event_id: changed.metadata.id,
			flow_id: changed.metadata.flow_id,
			occurred_at: changed.metadata.occurred_at,
			vehicle_id: 'JQ7RP',
			reasons: ['LIFE_STATUS_CHANGED'],
			vehicle: { id: 'JQ7RP' },
			queue: bed.broker.changes,
			redelivered: false,
		});
		const stateItem = items.find((item) => item.event_type === 'VehicleStateRecorded')!;
		expect(stateItem).toMatchObject({
			event_id: state.metadata.id,
			vehicle_id: 'JQ7RP',
			vehicle_state: { central_lock: 'LOCKED', mileage_in_kilometers: 1234 },
			state_recorded_at: '2026-01-01T12:00:04.500Z',
		});
		expect(stateItem.raw).toBeUndefined();
		// One naming style with the action nodes and the API: snake_case keys only.
		for (const item of items) {
			expect(Object.keys(item).filter((key) => !/^[a-z0-9_]+$/.test(key))).toEqual([]);
		}
	});

	it('keeps { timestamp, value } without Simplify and adds the raw message on request', async () => {
		const trigger = await bed.start({
			queues: bed.broker.states,
			simplify: false,
			options: { includeRaw: true },
		});
		const state = stateRecorded('AB12C');
		await bed.broker.publisher.publish(state);
		await trigger.waitForExecutions(1);
		const item = trigger.executions[0].items[0] as {
			vehicle_state: Record<string, unknown>;
			raw: { envelope: unknown; properties: unknown };
		};
		expect(item.vehicle_state.central_lock).toEqual({
			timestamp: '2026-01-01T12:00:01Z',
			value: 'LOCKED',
		});
		expect(item.raw.envelope).toEqual(state);
		expect(item.raw.properties).toMatchObject({
			messageId: state.metadata.id,
			type: 'VehicleStateRecorded',
			correlationId: state.metadata.flow_id,
			headers: { schema_major_version: 1 },
		});
	});

	it('accepts Messaging API names and passes unknown types and newer schemas through', async () => {
		const trigger = await bed.start({ queues: bed.broker.trips });
		const legacy = {
			metadata: {
				id: 'legacy-1',
				message_type: 'VehicleStateReceived',
				occurred_at: '2026-01-01T00:00:00Z',
			},
			data: {
				vehicle_id: 'V1',
				vehicle_state: { ignition: { timestamp: '2026-01-01T00:00:00Z', value: 'ON' } },
			},
		};
		await bed.broker.publisher.publishRaw('TripStarted', Buffer.from(JSON.stringify(legacy)));
		const trip = {
			metadata: { id: 'trip-1', type: 'TripStarted', schema_major_version: 1 },
			data: { trip_id: 'T1', vehicle_id: 'V2', odd: [1, 2] },
		};
		await bed.broker.publisher.publish(trip as never);
		const newer = {
			metadata: { id: 'new-1', type: 'TripEnded', schema_major_version: 7 },
			data: { anything: { nested: true } },
		};
		await bed.broker.publisher.publish(newer as never);
		await trigger.waitForExecutions(3);
		const byId = Object.fromEntries(
			trigger.executions.map((e) => [e.items[0].event_id, e.items[0]]),
		);
		expect(byId['legacy-1']).toMatchObject({
			event_type: 'VehicleStateRecorded',
			received_event_type: 'VehicleStateReceived',
			vehicle_state: { ignition: 'ON' },
		});
		expect(byId['trip-1']).toMatchObject({
			event_type: 'TripStarted',
			vehicle_id: 'V2',
			data: trip.data,
		});
		expect(byId['new-1']).toMatchObject({
			event_type: 'TripEnded',
			schema_major_version: 7,
			data: newer.data,
		});
	});
});

describe('acknowledgement modes', () => {
	it('when the execution finishes: nothing is acked before the run ends, everything after', async () => {
		const trigger = await bed.start({ options: { closeTimeout: 5 } }, 'hold');
		await bed.broker.publisher.publish(vehicleChanged('A'));
		await bed.broker.publisher.publish(vehicleChanged('B'));
		await trigger.waitForExecutions(2);
		trigger.executions[0].succeed();
		trigger.executions[1].fail();
		await until(() => trigger.executions.every((e) => e.settled));
		await trigger.close();
		expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(0);
		expect(trigger.summary()).toMatchObject({ acked: 2, requeued: 0, rejected: 0 });
	});

	it('only when it succeeds: a failure is requeued once, then dead-lettered', async () => {
		const trigger = await bed.start({ ackMode: 'executionSucceeded' }, 'failure');
		const event = vehicleChanged('POISON');
		await bed.broker.publisher.publish(event);
		await trigger.waitForExecutions(2);
		await until(
			async () => (await bed.broker.queueDepth(bed.broker.deadLetter(bed.broker.changes))) === 1,
		);
		expect(trigger.executions.map((e) => e.items[0].redelivered)).toEqual([false, true]);
		expect(trigger.executions.map((e) => e.items[0].event_id)).toEqual([
			event.metadata.id,
			event.metadata.id,
		]);
		await trigger.close();
		expect(trigger.summary()).toMatchObject({ requeued: 1, rejected: 1, acked: 0 });
		expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(0);
	});

	it('only when it succeeds, dead-letter: a failure is rejected at once', async () => {
		const trigger = await bed.start(
			{ ackMode: 'executionSucceeded', onFailure: 'deadLetter' },
			'failure',
		);
		await bed.broker.publisher.publish(vehicleChanged('X'));
		await until(
			async () => (await bed.broker.queueDepth(bed.broker.deadLetter(bed.broker.changes))) === 1,
		);
		expect(trigger.executions).toHaveLength(1);
	});

	it('only when it succeeds: a success is acked', async () => {
		const trigger = await bed.start({ ackMode: 'executionSucceeded' }, 'success');
		await bed.broker.publisher.publish(vehicleChanged('X'));
		await trigger.waitForExecutions(1);
		await until(() => trigger.executions[0].settled);
		await trigger.close();
		expect(trigger.summary()).toMatchObject({ acked: 1 });
		expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(0);
	});

	it('immediately: acked before the execution ends', async () => {
		const trigger = await bed.start({ ackMode: 'immediately' }, 'hold');
		await bed.broker.publisher.publish(vehicleChanged('X'));
		await trigger.waitForExecutions(1);
		await trigger.close();
		expect(trigger.executions[0].settled).toBe(false);
		expect(trigger.summary()).toMatchObject({ acked: 1 });
		expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(0);
	});

	it('immediately: a backlog never runs more executions at once than the parallel limit', async () => {
		const limit = 5;
		const total = 200;
		for (let i = 0; i < total; i++) await bed.broker.publisher.publish(vehicleChanged(`B${i}`));
		let running = 0;
		let mostRunning = 0;
		const trigger = await bed.start(
			{ ackMode: 'immediately', options: { prefetch: limit } },
			(execution) => {
				running++;
				mostRunning = Math.max(mostRunning, running);
				setTimeout(
					() => {
						running--;
						execution.succeed();
					},
					5 + Math.random() * 15,
				);
			},
		);
		await trigger.waitForExecutions(total, 30_000);
		await until(() => running === 0, 5000, 'the last executions');
		expect(mostRunning).toBeLessThanOrEqual(limit);
		expect(mostRunning).toBe(limit);
		expect(new Set(trigger.executions.map((e) => e.items[0].event_id)).size).toBe(total);
		expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(0);
	}, 40_000);

	it('immediately: the running ones are acked, the waiting ones go back to the queue at close', async () => {
		const trigger = await bed.start(
			{ ackMode: 'immediately', options: { prefetch: 2, closeTimeout: 1 } },
			'hold',
		);
		for (let i = 0; i < 5; i++) await bed.broker.publisher.publish(vehicleChanged(`W${i}`));
		await trigger.waitForExecutions(2);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(trigger.executions).toHaveLength(2);
		await trigger.close();
		// Two acknowledged while running (never redelivered), two waited unacknowledged and were
		// returned, one was never delivered.
		expect(trigger.summary()).toMatchObject({ acked: 2, requeued: 2, emitted: 2 });
		expect(trigger.executions.every((e) => !e.settled)).toBe(true);
		expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(3);
	});

	it('immediately: a run outliving the execution timeout keeps its slot (up to twice the timeout), so the limit holds', async () => {
		const trigger = await bed.start(
			{ ackMode: 'immediately', options: { executionTimeout: 1, prefetch: 1, closeTimeout: 0 } },
			'hold',
		);
		await bed.broker.publisher.publish(vehicleChanged('A'));
		await bed.broker.publisher.publish(vehicleChanged('B'));
		await trigger.waitForExecutions(1);
		// Past the execution timeout the first run still runs: the second must not start yet.
		await new Promise((resolve) => setTimeout(resolve, 1600));
		expect(trigger.executions).toHaveLength(1);
		expect(
			trigger.logs.some((log) => log.level === 'warn' && /still running/.test(log.message)),
		).toBe(true);
		// Twice the timeout: the run is taken as lost, its slot freed, consumption goes on.
		await trigger.waitForExecutions(2, 3000);
		await trigger.close();
		expect(trigger.summary()).toMatchObject({ timedOut: 1 });
	});

	it('execution timeout, when finished: a hanging run is released (acked) and consumption goes on', async () => {
		const trigger = await bed.start(
			{ options: { executionTimeout: 1, prefetch: 1, closeTimeout: 0 } },
			'hold',
		);
		await bed.broker.publisher.publish(vehicleChanged('A'));
		await bed.broker.publisher.publish(vehicleChanged('B'));
		// Prefetch 1: the second event only arrives once the first was released by the timeout.
		await trigger.waitForExecutions(2, 5000);
		await trigger.close();
		expect(trigger.summary()).toMatchObject({ timedOut: 1 });
	});

	it('execution timeout, only when it succeeds: a hanging run counts as failed (requeued once, then dead-lettered)', async () => {
		const trigger = await bed.start(
			{ ackMode: 'executionSucceeded', options: { executionTimeout: 1, deduplicate: false } },
			'hold',
		);
		await bed.broker.publisher.publish(vehicleChanged('A'));
		await until(
			async () => (await bed.broker.queueDepth(bed.broker.deadLetter(bed.broker.changes))) === 1,
			8000,
		);
		expect(trigger.executions).toHaveLength(2);
	});

	it('bounds parallel executions by the prefetch', async () => {
		const trigger = await bed.start({ options: { prefetch: 3 } }, 'hold');
		for (let i = 0; i < 10; i++) await bed.broker.publisher.publish(vehicleChanged(`V${i}`));
		await trigger.waitForExecutions(3);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(trigger.executions).toHaveLength(3);
		trigger.policy = 'success';
		for (const execution of trigger.executions) execution.succeed();
		await trigger.waitForExecutions(10);
	});
});
