/**
 * n8n in queue mode (EXECUTIONS_MODE=queue, Redis, Postgres): the INVERS Trigger runs on the main
 * instance, its executions on a separate `n8n worker` process. Every event must still be
 * acknowledged only after its execution finished on the worker, none lost, none run twice.
 */

import type { AmqpPublisher } from '../../simulator/amqpPublisher';
import { createAmqpPublisher } from '../../simulator/amqpPublisher';
import type { N8nInstanceOptions, RunningN8n } from '../../scripts/sandbox/n8nInstance';
import { ownerSession, queueModeEnv, startN8n } from '../../scripts/sandbox/n8nInstance';
import {
	AMQP_URL,
	Receiver,
	countBy,
	createDatabase,
	deleteQueues,
	deleteRedisKeys,
	describeE2e,
	tempDir,
	dropDatabase,
	freePort,
	importCredentials,
	importWorkflows,
	inversCredential,
	listExecutions,
	newInstance,
	publishWorkflow,
	queueConsumers,
	queueCounts,
	sleep,
	uniqueId,
	waitFor,
	writeWorkflows,
} from './harness';
import { COUNTING_WORKFLOW_ID, countingWorkflow, stateEvent } from './countingWorkflow';

const EVENTS = 30;

describeE2e('the INVERS Trigger in queue mode (main + worker)', () => {
	const fleetId = uniqueId('e2e-queue');
	const database = `invers_e2e_queue_${process.pid}`;
	// Slow answers keep executions in flight on the worker while the trigger waits to ack them.
	const receiver = new Receiver(500);
	let publisher: AmqpPublisher;
	let queue: string;
	let main: N8nInstanceOptions;
	let n8n: RunningN8n | undefined;
	let worker: RunningN8n | undefined;
	let cookie: string;

	beforeAll(async () => {
		await receiver.start();
		await createDatabase(database);
		publisher = await createAmqpPublisher({ url: AMQP_URL, fleetId });
		queue = publisher.queues['vehicle-states'];
		main = await newInstance('queue', {
			...queueModeEnv(fleetId, database),
			N8N_ENCRYPTION_KEY: `e2e-${fleetId}`,
		});
		await importCredentials(main, [inversCredential('http://127.0.0.1:9')]);
		const dir = tempDir('workflows');
		writeWorkflows(dir, fleetId, [countingWorkflow(queue, receiver.url) as never]);
		await importWorkflows(main, dir);
		await publishWorkflow(main, COUNTING_WORKFLOW_ID);

		n8n = await startN8n(main);
		cookie = await ownerSession(n8n.url);
		const healthPort = await freePort();
		worker = await startN8n(
			{
				...main,
				port: healthPort,
				runnerBrokerPort: await freePort(),
				env: {
					...main.env,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
				},
			},
			['worker', '--concurrency=10'],
		);
		await waitFor(async () => (await queueConsumers(queue)) > 0, 'the trigger to consume');
	}, 300_000);

	afterAll(async () => {
		await worker?.stop();
		await n8n?.stop();
		await receiver.close();
		if (publisher) {
			await deleteQueues(publisher);
			await publisher.close();
		}
		await dropDatabase(database);
		await deleteRedisKeys(`bull-${fleetId}`).catch(() => undefined);
	}, 90_000);

	it('runs every event on the worker and acknowledges it only after that execution finished', async () => {
		const published: string[] = [];
		for (let i = 0; i < EVENTS; i++) {
			const id = `${fleetId}-${i}`;
			await publisher.publish(stateEvent(id));
			published.push(id);
		}

		// While executions run on the worker, their events stay unacknowledged (prefetch 5).
		let sawUnacked = 0;
		const received = () => receiver.bodies.map((body) => body.event_id as string);
		await waitFor(
			async () => {
				const counts = await queueCounts(queue);
				sawUnacked = Math.max(sawUnacked, counts.unacked);
				return new Set(received()).size === EVENTS;
			},
			`all ${EVENTS} events to be recorded`,
			150_000,
			200,
		);
		expect(sawUnacked).toBeGreaterThan(0);
		expect(sawUnacked).toBeLessThanOrEqual(5);

		await waitFor(async () => {
			const counts = await queueCounts(queue);
			return counts.ready === 0 && counts.unacked === 0;
		}, 'the queue to be empty');
		await sleep(1000);
		expect([...countBy(received())].filter(([, count]) => count > 1)).toEqual([]);
		expect([...received()].sort()).toEqual([...published].sort());

		const executions = await waitFor(async () => {
			const list = await listExecutions(n8n!.url, cookie, COUNTING_WORKFLOW_ID);
			return list.length === EVENTS && list.every((execution) => execution.status === 'success')
				? list
				: undefined;
		}, `${EVENTS} successful executions`);
		// Each ran on the worker, not on the main instance.
		for (const execution of executions) {
			expect(worker!.log()).toContain(`Worker finished execution ${execution.id} `);
		}
		expect(n8n!.log()).not.toMatch(/Worker finished execution/);
	}, 240_000);
});
