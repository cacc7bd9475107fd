/**
 * "Acknowledge: Immediately" in a real n8n: each event is acknowledged as its execution starts,
 * yet a backlog never runs more executions at once than Parallel Executions. The limit depends on
 * n8n telling the trigger when an execution ended, so it is checked through n8n's activation.
 */

import type { AmqpPublisher } from '../../simulator/amqpPublisher';
import { createAmqpPublisher } from '../../simulator/amqpPublisher';
import type { RunningN8n } from '../../scripts/sandbox/n8nInstance';
import { ownerSession, startN8n } from '../../scripts/sandbox/n8nInstance';
import { COUNTING_WORKFLOW_ID, countingWorkflow, stateEvent } from './countingWorkflow';
import {
	AMQP_URL,
	Receiver,
	countBy,
	deleteQueues,
	describeE2e,
	importCredentials,
	importWorkflows,
	inversCredential,
	listExecutions,
	newInstance,
	publishWorkflow,
	queueConsumers,
	queueCounts,
	tempDir,
	uniqueId,
	waitFor,
	writeWorkflows,
} from './harness';

const PARALLEL = 3;

describeE2e('the INVERS Trigger acknowledging immediately, in n8n', () => {
	const fleetId = uniqueId('e2e-imm');
	// Each execution waits 300 ms for the receiver: a backlog keeps every slot busy.
	const receiver = new Receiver(300);
	let publisher: AmqpPublisher;
	let queue: string;
	let n8n: RunningN8n | undefined;

	beforeAll(async () => {
		await receiver.start();
		publisher = await createAmqpPublisher({ url: AMQP_URL, fleetId });
		queue = publisher.queues['vehicle-states'];
		const instance = await newInstance('trigger-immediate');
		await importCredentials(instance, [inversCredential('http://127.0.0.1:9')]);
		const dir = tempDir('workflows');
		writeWorkflows(dir, fleetId, [countingWorkflow(queue, receiver.url) as never], (workflow) => {
			const trigger = (workflow as unknown as { nodes: Array<{ parameters: object }> }).nodes[0];
			Object.assign(trigger.parameters, {
				ackMode: 'immediately',
				options: { prefetch: PARALLEL, closeTimeout: 5 },
			});
		});
		await importWorkflows(instance, dir);
		await publishWorkflow(instance, COUNTING_WORKFLOW_ID);
		n8n = await startN8n(instance);
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

	it('runs a backlog at most Parallel Executions at a time, each event once', async () => {
		const published: string[] = [];
		for (let i = 0; i < 30; i++) {
			const id = `${fleetId}-backlog-${i}`;
			await publisher.publish(stateEvent(id));
			published.push(id);
		}
		const received = () => receiver.bodies.map((body) => body.event_id as string);
		await waitFor(
			() => new Set(received()).size === published.length,
			`all ${published.length} events to be recorded`,
			120_000,
		);
		await waitFor(async () => {
			const counts = await queueCounts(queue);
			return counts.ready === 0 && counts.unacked === 0;
		}, 'the queue to be empty');
		expect(receiver.mostInFlight).toBeLessThanOrEqual(PARALLEL);
		expect(receiver.mostInFlight).toBe(PARALLEL);
		expect([...countBy(received())].filter(([, count]) => count > 1)).toEqual([]);
		const cookie = await ownerSession(n8n!.url);
		await waitFor(
			async () =>
				(await listExecutions(n8n!.url, cookie, COUNTING_WORKFLOW_ID)).filter(
					(execution) => execution.status === 'success',
				).length === published.length,
			`${published.length} successful executions`,
		);
	}, 180_000);
});
