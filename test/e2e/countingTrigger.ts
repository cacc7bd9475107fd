/**
 * A real n8n running the counting workflow (INVERS Trigger → HTTP Request to a receiver) on the
 * vehicle-states queue of a fleet of its own, and the check the trigger suites share: every
 * published event recorded exactly once, the queue empty, one successful execution per event.
 */
import type { AmqpPublisher } from '../../simulator/amqpPublisher';
import { createAmqpPublisher } from '../../simulator/amqpPublisher';
import type { N8nInstanceOptions, RunningN8n } from '../../scripts/sandbox/n8nInstance';
import { ownerSession, startN8n } from '../../scripts/sandbox/n8nInstance';
import { COUNTING_WORKFLOW_ID, countingWorkflow, stateEvent } from './countingWorkflow';
import type { Receiver } from './harness';
import {
	AMQP_URL,
	countBy,
	deleteQueues,
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

export interface CountingTrigger {
	readonly queue: string;
	readonly instance: N8nInstanceOptions;
	/** Replaced when a test restarts n8n. */
	n8n: RunningN8n;
	cookie: string;
	/** Event ids published so far. */
	readonly published: string[];
	publish(count: number, label: string): Promise<void>;
	/** Ids the workflow posted to the receiver, in arrival order. */
	received(): string[];
	expectEachOnce(): Promise<void>;
	close(): Promise<void>;
}

/** `triggerParameters` replace the counting workflow's trigger parameters of the same name. */
export async function startCountingTrigger(
	label: string,
	receiver: Receiver,
	triggerParameters: Record<string, unknown> = {},
): Promise<CountingTrigger> {
	const fleetId = uniqueId(label);
	await receiver.start();
	const publisher: AmqpPublisher = await createAmqpPublisher({ url: AMQP_URL, fleetId });
	const queue = publisher.queues['vehicle-states'];
	const instance = await newInstance(label);
	// The REST part of the credential is not used by this workflow; the broker part is.
	await importCredentials(instance, [inversCredential('http://127.0.0.1:9')]);
	const dir = tempDir('workflows');
	writeWorkflows(dir, fleetId, [countingWorkflow(queue, receiver.url) as never], (workflow) => {
		const trigger = (workflow as unknown as { nodes: Array<{ parameters: object }> }).nodes[0];
		Object.assign(trigger.parameters, triggerParameters);
	});
	await importWorkflows(instance, dir);
	await publishWorkflow(instance, COUNTING_WORKFLOW_ID);
	const n8n = await startN8n(instance);
	const setup: CountingTrigger = {
		queue,
		instance,
		n8n,
		cookie: await ownerSession(n8n.url),
		published: [],
		async publish(count, eventLabel) {
			for (let i = 0; i < count; i++) {
				const id = `${fleetId}-${eventLabel}-${i}`;
				await publisher.publish(stateEvent(id));
				setup.published.push(id);
			}
		},
		received: () => receiver.bodies.map((body) => body.event_id as string),
		async expectEachOnce() {
			const { published, received } = setup;
			await waitFor(
				() => new Set(received()).size === published.length,
				`all ${published.length} events to be recorded`,
				120_000,
			);
			await waitFor(async () => {
				const counts = await queueCounts(queue);
				return counts.ready === 0 && counts.unacked === 0;
			}, 'the queue to be empty');
			const executions = () => listExecutions(setup.n8n.url, setup.cookie, COUNTING_WORKFLOW_ID);
			await waitFor(
				async () =>
					(await executions()).filter(
						(execution) => execution.status !== 'running' && execution.status !== 'new',
					).length === published.length,
				`${published.length} finished executions`,
			);
			const duplicates = [...countBy(received())].filter(([, count]) => count > 1);
			expect(duplicates).toEqual([]);
			expect([...received()].sort()).toEqual([...published].sort());
			const finished = await executions();
			expect(finished).toHaveLength(published.length);
			expect(finished.filter((execution) => execution.status !== 'success')).toEqual([]);
		},
		async close() {
			await setup.n8n.stop();
			await receiver.close();
			await deleteQueues(publisher);
			await publisher.close();
		},
	};
	await waitFor(async () => (await queueConsumers(queue)) > 0, 'the trigger to consume');
	return setup;
}
