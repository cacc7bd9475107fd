import {
	brokerCloseConnections,
	brokerConnectionNames,
	until,
	vehicleChanged,
} from '../harness/triggerAmqp';
import { useTriggerTestBed } from '../harness/triggerTestBed';

const bed = useTriggerTestBed({ throughProxy: true });

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

describe('reconnect', () => {
	it.each(['executionFinished', 'immediately'])(
		'survives connection drops mid-stream (acknowledge %s): no event lost, none processed twice',
		async (ackMode) => {
			// Executions take a little while, so drops hit deliveries that are running (and, acknowledged
			// immediately, deliveries waiting for a free execution slot).
			const trigger = await bed.start({ ackMode, options: { prefetch: 5 } }, (execution) => {
				setTimeout(() => execution.succeed(), 5 + Math.random() * 20);
			});
			const total = 300;
			const published = new Set<string>();
			const publishing = (async () => {
				for (let i = 0; i < total; i++) {
					const event = vehicleChanged(`V${i % 17}`);
					published.add(event.metadata.id);
					await bed.broker.publisher.publish(event);
					if (i % 25 === 0) await sleep(5);
				}
			})();
			for (let drop = 0; drop < 3; drop++) {
				await until(() => trigger.executions.length > (drop + 1) * 50, 15_000, `progress ${drop}`);
				bed.proxy.cut();
			}
			await publishing;
			await until(
				async () =>
					new Set(trigger.executions.map((e) => e.items[0].event_id)).size === total &&
					(await bed.broker.queueDepth(bed.broker.changes)) === 0,
				20_000,
				'all events processed and acknowledged',
			);
			await sleep(300);
			const ids = trigger.executions.map((e) => String(e.items[0].event_id));
			expect(new Set(ids)).toEqual(published);
			expect(ids.length).toBe(total); // no duplicate execution
			expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(0);
			await trigger.close();
			const summary = trigger.summary()!;
			expect(summary.reconnects).toBeGreaterThanOrEqual(3);
			expect(trigger.errors).toEqual([]);
			// Answers for deliveries of a dead channel were dropped, never sent on the new channel
			// (the broker would close it: PRECONDITION_FAILED - unknown delivery tag).
			expect(JSON.stringify(trigger.logs)).not.toMatch(/PRECONDITION|unknown delivery tag/);
			expect(Number(summary.acked) + Number(summary.stale)).toBeGreaterThanOrEqual(total);
		},
		45_000,
	);

	it('only when it succeeds: drops never use up the retry of a failing event', async () => {
		// Every event fails on its first execution and succeeds on its second. First tries outlast
		// a reconnect, so the broker's redelivered copy (a drop is no failed try) arrives while the
		// original still runs.
		const executionsOf = new Map<string, number>();
		const successesOf = new Map<string, number>();
		const trigger = await bed.start(
			{ ackMode: 'executionSucceeded', options: { prefetch: 20 } },
			(execution) => {
				const id = String(execution.items[0].event_id);
				const attempt = (executionsOf.get(id) ?? 0) + 1;
				executionsOf.set(id, attempt);
				if (attempt === 1) {
					setTimeout(() => execution.fail('first try fails'), 300 + Math.random() * 500);
					return;
				}
				setTimeout(() => {
					successesOf.set(id, (successesOf.get(id) ?? 0) + 1);
					execution.succeed();
				}, Math.random() * 20);
			},
		);
		const total = 200;
		const deadLetter = bed.broker.deadLetter(bed.broker.changes);
		for (let i = 0; i < total; i++) {
			await bed.broker.publisher.publish(vehicleChanged(`R${i % 13}`));
		}
		const drops = 10;
		const reconnected = () => trigger.logs.filter((l) => /reconnected/.test(l.message)).length;
		for (let drop = 0; drop < drops; drop++) {
			// Each drop cuts a consuming connection, not one still being set up.
			await until(
				() => reconnected() === drop && trigger.executions.length > (drop + 1) * 25,
				15_000,
				`progress before drop ${drop + 1}`,
			);
			bed.proxy.cut();
		}
		// Settled: every event either succeeded or was dead-lettered, and nothing is left queued.
		await until(
			async () =>
				successesOf.size + (await bed.broker.queueDepth(deadLetter)) === total &&
				(await bed.broker.queueDepth(bed.broker.changes)) === 0,
			40_000,
			'every event settled',
		);
		await sleep(300);
		expect(await bed.broker.queueDepth(deadLetter)).toBe(0);
		expect(successesOf.size).toBe(total);
		expect([...successesOf.values()].every((count) => count === 1)).toBe(true);
		await trigger.close();
		expect(trigger.summary()!.reconnects).toBeGreaterThanOrEqual(drops);
		expect(trigger.errors).toEqual([]);
	}, 90_000);

	it('reconnects after the broker closed the connection itself', async () => {
		const trigger = await bed.start({});
		await bed.broker.publisher.publish(vehicleChanged('BEFORE'));
		await trigger.waitForExecutions(1);
		expect(await brokerCloseConnections(trigger.connectionName)).toBe(1);
		await until(() => trigger.logs.some((l) => /reconnected/.test(l.message)), 10_000, 'reconnect');
		await bed.broker.publisher.publish(vehicleChanged('AFTER'));
		await trigger.waitForExecutions(2);
		expect(trigger.executions.map((e) => e.items[0].vehicle_id)).toEqual(['BEFORE', 'AFTER']);
		expect(trigger.errors).toEqual([]);
	}, 30_000);

	it('hands over to n8n (emitError) only after the outage outlasted the give-up time', async () => {
		const trigger = await bed.start({ options: { reconnectGiveUpAfter: 2 } });
		await bed.proxy.close(); // the broker is gone for good
		bed.proxy.cut();
		await sleep(1000);
		expect(trigger.errors).toEqual([]);
		await until(() => trigger.errors.length === 1, 10_000, 'emitError');
		expect(trigger.errors[0].message).toMatch(/Lost the event broker/);
	});
});

describe('queue removed by INVERS', () => {
	it('keeps trying, then hands over naming the missing queue', async () => {
		const trigger = await bed.start({ options: { reconnectGiveUpAfter: 2 } });
		await bed.broker.admin.deleteQueue(bed.broker.changes);
		await until(() => trigger.errors.length === 1, 10_000, 'emitError');
		expect(trigger.errors[0].message).toContain(`Queue "${bed.broker.changes}" does not exist`);
		expect(trigger.logs.some((l) => l.message.includes('the broker cancelled the consumer'))).toBe(
			true,
		);
	});
});

describe('close', () => {
	it('waits for running executions, acks what finished, returns the rest, leaks nothing', async () => {
		const trigger = await bed.start({ options: { closeTimeout: 1, prefetch: 5 } }, 'hold');
		for (let i = 0; i < 8; i++) await bed.broker.publisher.publish(vehicleChanged(`C${i}`));
		await trigger.waitForExecutions(5);
		expect(bed.proxy.openConnections).toBe(1);
		expect(await brokerConnectionNames()).toContain(trigger.connectionName);
		// Three finish during the close's wait, two never do.
		setTimeout(() => trigger.executions.slice(0, 3).forEach((e) => e.succeed()), 200);
		const started = Date.now();
		await trigger.close();
		// Bounded by the 1 s close timeout (plus closing the channel), not by the held executions.
		expect(Date.now() - started).toBeLessThan(6000);
		expect(trigger.summary()).toMatchObject({ acked: 3, unansweredAtClose: 2 });
		// The operator learns that the timeout cut executions short and what comes back.
		const warning = trigger.logs.find((l) => l.level === 'warn' && /Close Timeout/.test(l.message));
		expect(warning?.message).toMatch(/2 events .*redelivered/);
		expect(warning?.meta).toMatchObject({ unanswered: 2 });
		await until(() => bed.proxy.openConnections === 0, 2000, 'connection closed');
		// 2 running + 3 never delivered go back to the queue; nothing else is left.
		await until(
			async () => (await bed.broker.queueDepth(bed.broker.changes)) === 5,
			3000,
			'requeue',
		);
		// Executions finishing after close do not throw or ack on a dead channel.
		trigger.executions.slice(3).forEach((e) => e.succeed());
		await sleep(50);
		expect(await brokerConnectionNames()).not.toContain(trigger.connectionName);
	}, 30_000);

	it('close during a reconnect stops reconnecting', async () => {
		const trigger = await bed.start({});
		bed.proxy.cut();
		await sleep(50);
		await trigger.close();
		await sleep(1500);
		expect(bed.proxy.openConnections).toBe(0);
	});
});
