import type { TriggerRun } from '../harness/trigger';
import { stateRecorded, until, vehicleChanged } from '../harness/triggerAmqp';
import { useTriggerTestBed } from '../harness/triggerTestBed';

const bed = useTriggerTestBed();

async function stop(trigger: TriggerRun) {
	await trigger.close();
	return trigger.summary()!;
}

describe('filters', () => {
	it('starts only for the selected types, reasons and vehicles; the rest is acked and counted', async () => {
		const trigger = await bed.start({
			queues: `${bed.broker.changes},${bed.broker.states},${bed.broker.trips}`,
			eventTypeMode: 'selected',
			eventTypes: ['VehicleChanged'],
			otherEventTypes: 'TripEnded',
			filters: { reasons: ['RENTAL_STATUS_CHANGED'], vehicleIds: 'KEEP1, KEEP2' },
		});
		const wanted = [
			vehicleChanged('KEEP1', ['RENTAL_STATUS_CHANGED', 'LIFE_STATUS_CHANGED']),
			{ metadata: { id: 'trip-end', type: 'TripEnded' }, data: { vehicle_id: 'KEEP2' } },
		];
		const unwanted = [
			vehicleChanged('KEEP1', ['MASTER_DATA_CHANGED']), // reason
			vehicleChanged('OTHER', ['RENTAL_STATUS_CHANGED']), // vehicle
			stateRecorded('KEEP1'), // type
			{ metadata: { id: 'trip-start', type: 'TripStarted' }, data: { vehicle_id: 'KEEP1' } }, // type
		];
		for (const event of [...unwanted, ...wanted])
			await bed.broker.publisher.publish(event as never);
		await trigger.waitForExecutions(2);
		await until(() => trigger.executions.every((e) => e.settled));
		await new Promise((resolve) => setTimeout(resolve, 200));
		const summary = await stop(trigger);
		expect(trigger.executions.map((e) => e.items[0].event_id).sort()).toEqual(
			wanted.map((e) => e.metadata.id).sort(),
		);
		expect(summary).toMatchObject({ filtered: 4, emitted: 2, acked: 6 });
		for (const queue of [bed.broker.changes, bed.broker.states, bed.broker.trips]) {
			expect(await bed.broker.queueDepth(queue)).toBe(0);
		}
	});
});

describe('malformed messages', () => {
	const malformed = [
		['not JSON', Buffer.from('{"metadata": {"id": "x", "secret": "hunter2"'), 'notJson'],
		['no metadata', Buffer.from(JSON.stringify({ data: { password: 'hunter2' } })), 'noMetadata'],
		[
			'oversized',
			Buffer.from(
				JSON.stringify({
					metadata: { id: 'big', type: 'VehicleChanged' },
					data: { blob: 'hunter2'.repeat(400) },
				}),
			),
			'tooLarge',
		],
	] as const;

	it('rejects each kind to the dead-letter queue without blocking the queue or logging the payload', async () => {
		const trigger = await bed.start({
			queues: bed.broker.changes,
			options: { maxMessageSizeKb: 2, prefetch: 1 },
		});
		for (const [, body] of malformed) {
			// More than the prefetch: a stuck message would stop consumption here.
			await bed.broker.publisher.publishRaw('VehicleChanged', body, { messageId: 'm-1' });
			await bed.broker.publisher.publishRaw('VehicleChanged', body);
		}
		const good = vehicleChanged('OK');
		await bed.broker.publisher.publish(good);
		await trigger.waitForExecutions(1);
		await until(
			async () => (await bed.broker.queueDepth(bed.broker.deadLetter(bed.broker.changes))) === 6,
		);
		const summary = await stop(trigger);
		expect(summary).toMatchObject({ malformed: 6, rejected: 6, emitted: 1 });
		expect(trigger.executions[0].items[0].event_id).toBe(good.metadata.id);
		const reasonsAt = (level: string) =>
			trigger.logs.filter((l) => l.level === level && l.meta?.reason).map((l) => l.meta?.reason);
		expect(reasonsAt('warn').sort()).toEqual(['noMetadata', 'noMetadata', 'notJson', 'notJson']);
		// An event lost to a size limit is an error the operator has to act on, not a warning.
		expect(reasonsAt('error')).toEqual(['tooLarge', 'tooLarge']);
		expect(JSON.stringify(trigger.logs)).not.toContain('hunter2');
	});

	it('logs an oversized event as an error naming its event id, its size and the option to raise', async () => {
		const trigger = await bed.start({
			queues: bed.broker.changes,
			options: { maxMessageSizeKb: 2 },
		});
		const big = vehicleChanged('BIG');
		(big.data as { blob?: string }).blob = 'hunter2'.repeat(500);
		await bed.broker.publisher.publish(big);
		const size = Buffer.byteLength(JSON.stringify(big));
		await until(
			async () => (await bed.broker.queueDepth(bed.broker.deadLetter(bed.broker.changes))) === 1,
		);
		const errors = trigger.logs.filter((l) => l.level === 'error');
		expect(errors).toHaveLength(1);
		expect(errors[0].message).toContain(`event ${big.metadata.id}`);
		expect(errors[0].message).toContain(`${size} bytes`);
		expect(errors[0].message).toContain('Max Message Size (KB)');
		expect(errors[0].message).toContain('2 KB');
		expect(errors[0].meta).toMatchObject({ messageId: big.metadata.id, bytes: size });
		expect(JSON.stringify(trigger.logs)).not.toContain('hunter2');
	});

	it('emits an error item per malformed message when asked to, then acknowledges it', async () => {
		const trigger = await bed.start({
			queues: bed.broker.changes,
			options: { maxMessageSizeKb: 2, onMalformed: 'emitError' },
		});
		for (const [, body] of malformed) await bed.broker.publisher.publishRaw('VehicleChanged', body);
		await trigger.waitForExecutions(3);
		await until(() => trigger.executions.every((e) => e.settled));
		const items = trigger.executions.map((e) => e.items[0]);
		expect(items.map((i) => i.reason).sort()).toEqual(['noMetadata', 'notJson', 'tooLarge']);
		expect(items[0]).toMatchObject({ queue: bed.broker.changes });
		expect(typeof items[0].error).toBe('string');
		expect(JSON.stringify(items)).not.toContain('hunter2');
		await new Promise((resolve) => setTimeout(resolve, 100));
		const summary = await stop(trigger);
		expect(summary).toMatchObject({ malformed: 3, acked: 3 });
		expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(0);
	});
});

describe('de-duplication', () => {
	it('starts the workflow once per event id, acking the copies', async () => {
		const trigger = await bed.start({ queues: bed.broker.changes });
		const event = vehicleChanged('DUP');
		await bed.broker.publisher.publish(event);
		await trigger.waitForExecutions(1);
		await until(() => trigger.executions[0].settled);
		await bed.broker.publisher.publish(event);
		await bed.broker.publisher.publish(event);
		await bed.broker.publisher.publish(vehicleChanged('OTHER'));
		await trigger.waitForExecutions(2);
		await new Promise((resolve) => setTimeout(resolve, 200));
		const summary = await stop(trigger);
		expect(trigger.executions).toHaveLength(2);
		expect(summary).toMatchObject({ duplicates: 2, acked: 4 });
		expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(0);
	});

	it('a copy arriving while the original runs is answered with it, not run again', async () => {
		const trigger = await bed.start({ queues: bed.broker.changes }, 'hold');
		const event = vehicleChanged('DUP');
		await bed.broker.publisher.publish(event);
		await trigger.waitForExecutions(1);
		await bed.broker.publisher.publish(event);
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(trigger.executions).toHaveLength(1);
		trigger.executions[0].succeed();
		await new Promise((resolve) => setTimeout(resolve, 100));
		const summary = await stop(trigger);
		expect(summary).toMatchObject({ duplicates: 1, acked: 2 });
	});

	it('can be turned off', async () => {
		const trigger = await bed.start({
			queues: bed.broker.changes,
			options: { deduplicate: false },
		});
		const event = vehicleChanged('DUP');
		await bed.broker.publisher.publish(event);
		await bed.broker.publisher.publish(event);
		await trigger.waitForExecutions(2);
	});
});
