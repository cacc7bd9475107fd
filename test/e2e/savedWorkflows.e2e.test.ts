/**
 * Workflows saved by earlier versions of the nodes keep working: every fixture in
 * fixtures/saved-workflows runs in a real n8n 2.41 against the simulator, and what it put out is
 * compared with its `.expected.json` (docs/development.md, "Saved-workflow fixtures", describes the
 * convention). A fixture is a workflow as n8n saved it, with the `typeVersion` of the node version
 * that saved it; a new node version must leave every fixture of the older versions passing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { EventEnvelope } from '../../simulator/index';
import type { N8nInstanceOptions, RunningN8n } from '../../scripts/sandbox/n8nInstance';
import { ownerSession, startN8n } from '../../scripts/sandbox/n8nInstance';
import { publishWorkflow } from '../../scripts/sandbox/workflowsApi';
import type { EventSimulator, RunResult } from './harness';
import { differences } from '../harness/savedWorkflowMatch';
import {
	AMQP_URL,
	deleteQueues,
	describeE2e,
	executionRun,
	importCredentials,
	importWorkflows,
	inversCredential,
	listExecutions,
	newInstance,
	rest,
	runInN8n,
	startEventSimulator,
	tempDir,
	uniqueId,
	waitFor,
	writeWorkflows,
} from './harness';

const FIXTURES = path.join(__dirname, 'fixtures', 'saved-workflows');
/** The seeded fleet every fixture starts from (vehicle ids are stable: seed 1). */
const FLEET_SIZE = 12;

interface Expected {
	/** What the fixture shows, for the reader. */
	about: string;
	/** The run's status: success (default) or error. */
	status?: 'success' | 'error';
	/** Part of the run's error message, for a run expected to fail. */
	error?: string;
	/** A trigger workflow: these events are published to its queues, one execution each. */
	events?: EventEnvelope[];
	/** Per node, the items it put out (over all executions), each compared field by field. */
	nodes: Record<string, unknown[]>;
	/** Text that must appear nowhere in the run (secrets). */
	absent?: string[];
}

interface Fixture {
	name: string;
	id: string;
	workflow: {
		name: string;
		nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
		[key: string]: unknown;
	};
	expected: Expected;
}

function readFixtures(): Fixture[] {
	return readdirSync(FIXTURES)
		.filter((file) => file.endsWith('.json') && !file.endsWith('.expected.json'))
		.sort()
		.map((file, index) => {
			const name = file.replace(/\.json$/, '');
			const read = (suffix: string) =>
				JSON.parse(readFileSync(path.join(FIXTURES, `${name}${suffix}`), 'utf8'));
			return {
				name,
				// n8n workflow ids are short words: one per fixture, in file order.
				id: `savedWorkflow${String(index + 1).padStart(3, '0')}`,
				workflow: read('.json'),
				expected: read('.expected.json') as Expected,
			};
		});
}

/** Every item a node put out, over all its runs in all the executions. */
function nodeOutput(runs: RunResult[], node: string): unknown[] {
	return runs.flatMap((run) =>
		(run.data.resultData.runData[node] ?? []).flatMap((nodeRun) =>
			(nodeRun.data?.main ?? []).flatMap((output) => (output ?? []).map((item) => item.json)),
		),
	);
}

describeE2e('workflows saved by earlier node versions, in n8n 2.41', () => {
	const fixtures = readFixtures();
	let events: EventSimulator;
	let instance: N8nInstanceOptions;
	let n8n: RunningN8n | undefined;
	let cookie: string;

	beforeAll(async () => {
		events = await startEventSimulator(uniqueId('e2e-saved'), { fleetSize: FLEET_SIZE });
		instance = await newInstance('saved-workflows');
		await importCredentials(instance, [inversCredential(events.sim.url)]);
		const dir = tempDir('saved-workflows');
		writeWorkflows(
			dir,
			events.fleetId,
			fixtures.map((fixture) => ({ ...fixture.workflow, id: fixture.id, active: false })),
		);
		await importWorkflows(instance, dir);
		n8n = await startN8n(instance);
		cookie = await ownerSession(n8n.url);
	}, 240_000);

	afterAll(async () => {
		await n8n?.stop();
		if (events) {
			await deleteQueues(events.publisher);
			await events.close();
		}
	}, 60_000);

	/** Empties the fleet's queues: what earlier fixtures made the simulator publish is not this one's. */
	async function purgeQueues(): Promise<void> {
		const { connect } = await import('amqplib');
		const connection = await connect(AMQP_URL);
		try {
			const channel = await connection.createChannel();
			for (const queue of Object.values(events.publisher.queues)) await channel.purgeQueue(queue);
			await channel.close();
		} finally {
			await connection.close();
		}
	}

	/** Publishes the trigger workflow, sends its events, waits for one execution each. */
	async function runTriggered(fixture: Fixture): Promise<RunResult[]> {
		const sent = fixture.expected.events ?? [];
		await purgeQueues();
		const refused = await publishWorkflow(n8n!.url, cookie, fixture.id);
		if (refused) throw new Error(`n8n did not publish ${fixture.name}: ${refused}`);
		try {
			for (const envelope of sent) await events.publisher.publish(envelope);
			const executions = await waitFor(
				async () => {
					const listed = await listExecutions(n8n!.url, cookie, fixture.id);
					return listed.length >= sent.length &&
						listed.every((execution) => !['running', 'new'].includes(execution.status))
						? listed
						: undefined;
				},
				`${sent.length} execution(s) of ${fixture.name}`,
				90_000,
			);
			const oldestFirst = executions.sort((a, b) => Number(a.id) - Number(b.id));
			return await Promise.all(
				oldestFirst.map((execution) => executionRun(n8n!.url, cookie, execution.id)),
			);
		} finally {
			await rest(n8n!.url, cookie, 'POST', `/rest/workflows/${fixture.id}/deactivate`, {});
		}
	}

	it.each(fixtures.map((fixture) => [fixture.name, fixture] as const))(
		'%s',
		async (_name, fixture) => {
			// Every fixture starts from the same seeded fleet.
			events.sim.reset();
			const manual = fixture.workflow.nodes.find(
				(node) => node.type === 'n8n-nodes-base.manualTrigger',
			);
			const runs = fixture.expected.events
				? await runTriggered(fixture)
				: [await runInN8n(n8n!.url, cookie, fixture.id, manual!.name)];

			const problems: string[] = [];
			for (const run of runs) {
				const status = run.status ?? (run.data.resultData.error ? 'error' : 'success');
				if (status !== (fixture.expected.status ?? 'success')) {
					problems.push(
						`status ${status}, expected ${fixture.expected.status ?? 'success'}: ${run.data.resultData.error?.message ?? ''}`,
					);
				}
				if (
					fixture.expected.error &&
					!String(run.data.resultData.error?.message ?? '').includes(fixture.expected.error)
				) {
					problems.push(
						`error "${run.data.resultData.error?.message}" lacks "${fixture.expected.error}"`,
					);
				}
			}
			for (const [node, items] of Object.entries(fixture.expected.nodes)) {
				problems.push(...differences(nodeOutput(runs, node), items, node));
			}
			const everything = JSON.stringify(runs);
			for (const text of fixture.expected.absent ?? []) {
				if (everything.includes(text)) problems.push(`"${text}" appears in the run`);
			}
			expect(problems).toEqual([]);
		},
		120_000,
	);
});
