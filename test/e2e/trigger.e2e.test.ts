/**
 * The INVERS Trigger through n8n's real activation path (publish:workflow, then `n8n start`):
 * every event starts exactly one execution, also when the broker drops every connection in the
 * middle of a burst and when n8n itself is restarted in the middle of one. Counted twice: by the
 * executions n8n recorded and by the event ids the workflow posted to a local receiver.
 */

import type { AmqpPublisher } from '../../simulator/amqpPublisher';
import { createAmqpPublisher } from '../../simulator/amqpPublisher';
import type { N8nInstanceOptions, RunningN8n } from '../../scripts/sandbox/n8nInstance';
import { ownerSession, startN8n } from '../../scripts/sandbox/n8nInstance';
import { brokerCloseConnections } from '../harness/triggerAmqp';
import { COUNTING_WORKFLOW_ID, countingWorkflow, stateEvent } from './countingWorkflow';
import {
	AMQP_URL,
	Receiver,
	countBy,
	deleteQueues,
	describeE2e,
	tempDir,
	importCredentials,
	importWorkflows,
	inversCredential,
	listExecutions,
	newInstance,
	publishWorkflow,
	queueConsumers,
	queueCounts,
	uniqueId,
	waitFor,
	writeWorkflows,
} from './harness';

describeE2e('the INVERS Trigger through n8n activation', () => {
	const fleetId = uniqueId('e2e-trg');
	// Each execution takes about 300 ms: with prefetch 5, a burst keeps several in flight.
	const receiver = new Receiver(300);
	let publisher: AmqpPublisher;
	let queue: string;
	let instance: N8nInstanceOptions;
	let n8n: RunningN8n | undefined;
	let cookie: string;
	const published: string[] = [];

	const publish = async (count: number, label: string) => {
		for (let i = 0; i < count; i++) {
			const id = `${fleetId}-${label}-${i}`;
			await publisher.publish(stateEvent(id));
			published.push(id);
		}
	};
	const received = () => receiver.bodies.map((body) => body.event_id as string);
	const expectEachOnce = async () => {
		await waitFor(
			() => new Set(received()).size === published.length,
			`all ${published.length} events to be recorded`,
			120_000,
		);
		await waitFor(async () => {
			const counts = await queueCounts(queue);
			return counts.ready === 0 && counts.unacked === 0;
		}, 'the queue to be empty');
		await waitFor(
			async () =>
				(await listExecutions(n8n!.url, cookie, COUNTING_WORKFLOW_ID)).filter(
					(execution) => execution.status !== 'running' && execution.status !== 'new',
				).length === published.length,
			`${published.length} finished executions`,
		);
		const duplicates = [...countBy(received())].filter(([, count]) => count > 1);
		expect(duplicates).toEqual([]);
		expect([...received()].sort()).toEqual([...published].sort());
		const executions = await listExecutions(n8n!.url, cookie, COUNTING_WORKFLOW_ID);
		expect(executions).toHaveLength(published.length);
		expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);
	};

	beforeAll(async () => {
		await receiver.start();
		publisher = await createAmqpPublisher({ url: AMQP_URL, fleetId });
		queue = publisher.queues['vehicle-states'];
		instance = await newInstance('trigger');
		// The REST part of the credential is not used by this workflow; the broker part is.
		await importCredentials(instance, [inversCredential('http://127.0.0.1:9')]);
		const dir = tempDir('workflows');
		writeWorkflows(dir, fleetId, [countingWorkflow(queue, receiver.url) as never]);
		await importWorkflows(instance, dir);
		await publishWorkflow(instance, COUNTING_WORKFLOW_ID);
		n8n = await startN8n(instance);
		cookie = await ownerSession(n8n.url);
		await waitFor(async () => (await queueConsumers(queue)) > 0, 'the trigger to consume');
	}, 240_000);

	afterAll(async () => {
		await n8n?.stop();
		await receiver.close();
		if (publisher) {
			await deleteQueues(publisher);
			await publisher.close();
		}
	}, 60_000);

	it('runs one execution per event and leaves the queue empty', async () => {
		await publish(20, 'plain');
		await expectEachOnce();
	}, 150_000);

	it('loses none and runs none twice when the broker drops the connection of the trigger mid-burst', async () => {
		await publish(40, 'cut');
		const before = received().length;
		await waitFor(() => received().length >= before + 8, 'some executions of the burst');
		// Deliveries are in flight (running or finished but not yet acknowledged) when the cut comes.
		expect((await queueCounts(queue)).unacked).toBeGreaterThan(0);
		// The broker closes the trigger's connection (named after workflow and node), nothing else.
		expect(await brokerCloseConnections((name) => name.startsWith('n8n workflow '))).toBe(1);
		await publish(10, 'after-cut');
		await waitFor(async () => (await queueConsumers(queue)) > 0, 'the trigger to reconnect');
		await expectEachOnce();
		expect(n8n!.log()).not.toMatch(/INVERS Trigger.*(deactivated|could not be activated)/i);
	}, 180_000);

	it('loses none and runs none twice when n8n restarts mid-burst', async () => {
		await publish(30, 'restart');
		const before = received().length;
		await waitFor(() => received().length >= before + 5, 'some executions of the burst');
		expect((await queueCounts(queue)).unacked).toBeGreaterThan(0);
		await n8n!.stop();
		const midway = new Set(received()).size;
		expect(midway).toBeLessThan(published.length);
		n8n = await startN8n(instance);
		cookie = await ownerSession(n8n.url);
		await expectEachOnce();
	}, 240_000);
});
