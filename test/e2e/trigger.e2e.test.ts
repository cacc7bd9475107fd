/**
 * The INVERS Trigger through n8n's real activation path (publish:workflow, then `n8n start`):
 * every event starts exactly one execution, also when the broker drops every connection in the
 * middle of a burst and when n8n itself is restarted in the middle of one. Counted twice: by the
 * executions n8n recorded and by the event ids the workflow posted to a local receiver.
 */

import { ownerSession, startN8n } from '../../scripts/sandbox/n8nInstance';
import { brokerCloseConnections } from '../harness/triggerAmqp';
import type { CountingTrigger } from './countingTrigger';
import { COUNTING_WORKFLOW_ID } from './countingWorkflow';
import { startCountingTrigger } from './countingTrigger';
import { Receiver, describeE2e, queueConsumers, queueCounts, waitFor } from './harness';

describeE2e('the INVERS Trigger through n8n activation', () => {
	// Each execution takes about 300 ms: with prefetch 5, a burst keeps several in flight.
	const receiver = new Receiver(300);
	let trigger: CountingTrigger;

	beforeAll(async () => {
		trigger = await startCountingTrigger('e2e-trg', receiver);
	}, 240_000);

	afterAll(async () => await trigger?.close(), 60_000);

	it('runs one execution per event and leaves the queue empty', async () => {
		await trigger.publish(20, 'plain');
		await trigger.expectEachOnce();
	}, 150_000);

	it('loses none and runs none twice when the broker drops the connection of the trigger mid-burst', async () => {
		await trigger.publish(40, 'cut');
		const before = trigger.received().length;
		await waitFor(() => trigger.received().length >= before + 8, 'some executions of the burst');
		// Deliveries are in flight (running or finished but not yet acknowledged) when the cut comes.
		expect((await queueCounts(trigger.queue)).unacked).toBeGreaterThan(0);
		// The broker closes the trigger's connection (named after workflow and node), nothing else:
		// not another n8n's on this broker either.
		expect(
			await brokerCloseConnections((name) =>
				name.startsWith(`n8n workflow ${COUNTING_WORKFLOW_ID} /`),
			),
		).toBe(1);
		await trigger.publish(10, 'after-cut');
		await waitFor(
			async () => (await queueConsumers(trigger.queue)) > 0,
			'the trigger to reconnect',
		);
		await trigger.expectEachOnce();
		expect(trigger.n8n.log()).not.toMatch(/INVERS Trigger.*(deactivated|could not be activated)/i);
	}, 180_000);

	it('loses none and runs none twice when n8n restarts mid-burst', async () => {
		// Long enough (about 16 s of executions at 5 in flight) that n8n's shutdown, which waits for
		// the executions in flight, ends before the burst does: the restarted n8n has work left.
		await trigger.publish(80, 'restart');
		const before = trigger.received().length;
		await waitFor(() => trigger.received().length >= before + 5, 'some executions of the burst');
		expect((await queueCounts(trigger.queue)).unacked).toBeGreaterThan(0);
		await trigger.n8n.stop();
		const midway = new Set(trigger.received()).size;
		expect(midway).toBeLessThan(trigger.published.length);
		trigger.n8n = await startN8n(trigger.instance);
		trigger.cookie = await ownerSession(trigger.n8n.url);
		await trigger.expectEachOnce();
	}, 240_000);
});
