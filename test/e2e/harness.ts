/**
 * What the end-to-end suites share: fresh n8n user folders with the packed package, the simulator
 * publishing to the local RabbitMQ on a fleet id of its own, the example workflows rewritten for
 * that fleet, the n8n CLI and REST calls, and small local receivers.
 */
import { execFile, spawn } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

import type { AmqpPublisher } from '../../simulator/amqpPublisher';
import {
	SANDBOX_TOPICS,
	attachPublisher,
	createAmqpPublisher,
} from '../../simulator/amqpPublisher';
import type { Simulator, SimulatorOptions } from '../../simulator/index';
import { startSimulator } from '../../simulator/index';
import { sandboxCredential } from '../../scripts/sandbox/credential';
import { callN8n } from '../../scripts/sandbox/n8nRest';
import { AMQP_URL } from './services';
import { forFleet } from '../../scripts/sandbox/examples';
import type { N8nInstanceOptions } from '../../scripts/sandbox/n8nInstance';
import { n8nCli, n8nEnv } from '../../scripts/sandbox/n8nInstance';
import { CACHE_DIR, N8N_BIN, N8N_DIR, REPO_ROOT } from '../../scripts/sandbox/paths';
import { freePort } from '../../scripts/sandbox/ports';
import { PACKAGE_TEMPLATE, RUN_DIR } from './constants';

const execFileAsync = promisify(execFile);

export { freePort };

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');
export const PACKAGE_NAME = 'n8n-nodes-invers-oneapi';

export const EXAMPLE_IDS = {
	maintenanceSweep: 'inversExample001',
	alert: 'inversExample002',
	masterDataSync: 'inversExample003',
	unlockOnBooking: 'inversExample004',
	onboarding: 'inversExample005',
	fleetStateMirror: 'inversExample006',
	fleetStateMirrorPostgres: 'inversExample008',
} as const;

/** Only under jest.e2e.config.js (which sets INVERS_E2E): `npm test` skips these suites. */
export const describeE2e = process.env.INVERS_E2E === '1' ? describe : describe.skip;

export function n8nInstalled(): boolean {
	return existsSync(path.join(N8N_DIR, '.installed')) && existsSync(N8N_BIN);
}

/** A fresh folder below this run's folder (removed after the run). */
export function tempDir(label: string): string {
	mkdirSync(RUN_DIR, { recursive: true });
	return mkdtempSync(path.join(RUN_DIR, `${label}-`));
}

export function uniqueId(label: string): string {
	return `${label}-${process.pid}-${Date.now().toString(36)}`;
}

/** A fresh user folder with the package installed (a copy of the packed template). */
export async function newInstance(
	label: string,
	env: NodeJS.ProcessEnv = {},
): Promise<N8nInstanceOptions> {
	const userFolder = tempDir(label);
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	cpSync(path.join(PACKAGE_TEMPLATE, '.n8n', 'nodes'), nodesDir, { recursive: true });
	return {
		userFolder,
		port: await freePort(),
		runnerBrokerPort: await freePort(),
		// Jest sets NODE_ENV=test, with which n8n exits silently at start.
		env: { NODE_ENV: 'production', N8N_LOG_LEVEL: 'info', ...env },
	};
}

export interface EventSimulator {
	sim: Simulator;
	publisher: AmqpPublisher;
	fleetId: string;
	/** `fleet-<fleetId>.vehicle-states` and `.vehicle-changes`. */
	statesQueue: string;
	changesQueue: string;
	/** The fleet state mirror's own queues (a second event consumer): `.mirror.vehicle-states`, …. */
	mirrorQueues: string[];
	close(): Promise<void>;
}

/** The simulator on a random port, its events published to queues of a fleet id of its own. */
export async function startEventSimulator(
	fleetId: string,
	options: Partial<SimulatorOptions> = {},
): Promise<EventSimulator> {
	const sim = await startSimulator({ port: 0, fleetSize: 12, setupDelayMs: 200, ...options });
	// An exchange of its own: queues are bound by event type, so on a shared exchange every suite
	// running on this broker at the same time would also get the others' events.
	const publisher = await createAmqpPublisher({
		url: AMQP_URL,
		exchange: `invers.events.${fleetId}`,
		fleetId,
		topics: SANDBOX_TOPICS,
	});
	const detach = attachPublisher(sim.events, publisher);
	sim.events.on('publishError', () => undefined);
	return {
		sim,
		publisher,
		fleetId,
		statesQueue: publisher.queues['vehicle-states'],
		changesQueue: publisher.queues['vehicle-changes'],
		mirrorQueues: [
			publisher.queues['mirror.vehicle-states'],
			publisher.queues['mirror.vehicle-changes'],
		],
		async close() {
			detach();
			await publisher.close();
			await sim.close();
		},
	};
}

type Workflow = {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
	[key: string]: unknown;
};

export function readExample(id: string): Workflow {
	for (const file of readdirSync(EXAMPLES_DIR).filter((name) => name.endsWith('.json'))) {
		const workflow = JSON.parse(readFileSync(path.join(EXAMPLES_DIR, file), 'utf8')) as Workflow;
		if (workflow.id === id) return workflow;
	}
	throw new Error(`no example workflow with id ${id} in ${EXAMPLES_DIR}`);
}

/**
 * The examples as files for `import:workflow --separate`, with the queues renamed to the test
 * fleet and any further change a suite needs (alert URL, trigger options).
 */
export function writeWorkflows(
	dir: string,
	fleetId: string,
	workflows: Workflow[],
	patch: (workflow: Workflow) => void = () => undefined,
): string {
	mkdirSync(dir, { recursive: true });
	for (const original of workflows) {
		const workflow = forFleet(original, fleetId);
		patch(workflow);
		writeFileSync(path.join(dir, `${workflow.id}.json`), JSON.stringify(workflow, null, 2));
	}
	return dir;
}

export function nodeNamed(workflow: Workflow, name: string) {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`workflow ${workflow.id} has no node "${name}"`);
	return node;
}

export async function importCredentials(
	instance: N8nInstanceOptions,
	credentials: unknown[],
): Promise<void> {
	const file = path.join(instance.userFolder, 'credentials.json');
	writeFileSync(file, JSON.stringify(credentials, null, 2));
	await n8nCli(instance, ['import:credentials', `--input=${file}`]);
}

export function inversCredential(simulatorUrl: string) {
	return sandboxCredential(simulatorUrl);
}

export async function importWorkflows(instance: N8nInstanceOptions, dir: string): Promise<void> {
	await n8nCli(instance, ['import:workflow', '--separate', `--input=${dir}`]);
}

export async function publishWorkflow(instance: N8nInstanceOptions, id: string): Promise<void> {
	await n8nCli(instance, ['publish:workflow', `--id=${id}`]);
}

export interface RunResult {
	data: {
		resultData: {
			runData: Record<
				string,
				Array<{
					data?: { main: Array<Array<{ json: Record<string, unknown> }> | null> };
					error?: unknown;
				}>
			>;
			error?: { message?: string };
		};
	};
	status?: string;
}

/**
 * `n8n execute --id --rawOutput`: the run as n8n prints it. n8n sometimes crashes at exit after
 * printing, so the printed JSON decides, not the exit code. Ports of its own, so it also runs
 * while the instance is started. (It does not load n8n's modules: no Data Tables.)
 */
export async function executeWorkflow(
	instance: N8nInstanceOptions,
	id: string,
	timeoutMs = 120_000,
): Promise<RunResult> {
	const ports = [await freePort(), await freePort()];
	const output = await new Promise<{ stdout: string; stderr: string; code: number | null }>(
		(resolve, reject) => {
			const child = spawn(N8N_BIN, ['execute', `--id=${id}`, '--rawOutput'], {
				cwd: instance.userFolder,
				env: n8nEnv({
					...instance,
					port: ports[0],
					runnerBrokerPort: ports[1],
					env: { ...instance.env, N8N_LOG_LEVEL: 'info' },
				}),
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let stdout = '';
			let stderr = '';
			child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
			const timer = setTimeout(() => {
				child.kill('SIGKILL');
				reject(new Error(`n8n execute --id=${id} timed out:\n${stdout}\n${stderr}`));
			}, timeoutMs);
			child.on('error', reject);
			child.on('close', (code) => {
				clearTimeout(timer);
				resolve({ stdout, stderr, code });
			});
		},
	);
	const start = output.stdout.search(/^\{\s*$/m);
	const end = output.stdout.lastIndexOf('}');
	if (start < 0 || end < start) {
		throw new Error(
			`n8n execute --id=${id} printed no run (exit ${output.code}):\n${output.stdout.slice(-3000)}\n${output.stderr.slice(-3000)}`,
		);
	}
	return JSON.parse(output.stdout.slice(start, end + 1)) as RunResult;
}

/**
 * Runs a workflow in the running instance, as "Execute workflow" in the editor does (the way to
 * run one that uses Data Tables), and waits for its end: the run, as `executeWorkflow` gives it.
 */
export async function runInN8n(
	url: string,
	cookie: string,
	workflowId: string,
	triggerName: string,
	timeoutMs = 120_000,
): Promise<RunResult> {
	const started = await rest<{ data: { executionId: string } }>(
		url,
		cookie,
		'POST',
		`/rest/workflows/${workflowId}/run`,
		{ triggerToStartFrom: { name: triggerName } },
	);
	if (started.status !== 200) {
		throw new Error(
			`Running ${workflowId}: HTTP ${started.status} ${JSON.stringify(started.body)}`,
		);
	}
	const id = started.body.data.executionId;
	// n8n stores execution data flattened with `flatted`; its own copy reads it back.
	const { parse } = createRequire(__filename)(path.join(N8N_DIR, 'node_modules', 'flatted')) as {
		parse: (text: string) => RunResult['data'];
	};
	return await waitFor(
		async () => {
			const { body } = await rest<{ data?: { status: string; data: string } }>(
				url,
				cookie,
				'GET',
				`/rest/executions/${id}`,
			);
			const execution = body.data;
			if (!execution || execution.status === 'running' || execution.status === 'new') return;
			return { data: parse(execution.data), status: execution.status };
		},
		`execution ${id} of ${workflowId}`,
		timeoutMs,
	);
}

/** The items a node put out over all its runs (a node fed by two branches runs twice). */
export function allNodeItems(run: RunResult, nodeName: string, output = 0) {
	return (run.data.resultData.runData[nodeName] ?? []).flatMap((nodeRun) =>
		(nodeRun.data?.main[output] ?? []).map((item) => item.json),
	);
}

/** The items a node put out (first run), on one of its outputs. */
export function nodeItems(run: RunResult, nodeName: string, output = 0) {
	const runs = run.data.resultData.runData[nodeName];
	if (!runs) return [];
	return (runs[0].data?.main[output] ?? []).map((item) => item.json);
}

export async function rest<T = unknown>(
	url: string,
	cookie: string,
	method: string,
	route: string,
	body?: unknown,
): Promise<{ status: number; body: T }> {
	const answer = await callN8n(url, cookie, method, route, body);
	return { status: answer.status, body: answer.body as T };
}

export interface ExecutionSummary {
	id: string;
	status: string;
	mode: string;
	workflowId: string;
}

/** Executions of a workflow over the REST API (all of them, newest first; pages of 100). */
export async function listExecutions(
	url: string,
	cookie: string,
	workflowId: string,
): Promise<ExecutionSummary[]> {
	const all = new Map<string, ExecutionSummary>();
	let cursor: string | undefined;
	for (;;) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const { status, body } = await rest<{
			data: { results: ExecutionSummary[]; nextCursor?: string | null };
		}>(
			url,
			cookie,
			'GET',
			`/rest/executions?filter=${filter}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
		);
		if (status !== 200) {
			throw new Error(`GET /rest/executions: HTTP ${status} ${JSON.stringify(body)}`);
		}
		for (const execution of body.data.results) all.set(String(execution.id), execution);
		if (!body.data.nextCursor || body.data.results.length === 0) return [...all.values()];
		cursor = body.data.nextCursor;
	}
}

/**
 * n8n stores and serves execution data in the "flatted" layout: a JSON array whose first entry
 * is the root, and in which every string inside an object or array is the index (as a string) of
 * the entry holding the real value (so shared and circular references survive). Decoded here
 * rather than through a package the tests do not otherwise need.
 */
export function unflatten(text: string): unknown {
	const entries = JSON.parse(text) as unknown[];
	const revived = new Map<number, unknown>();
	const revive = (index: number): unknown => {
		if (revived.has(index)) return revived.get(index);
		const value = entries[index];
		if (!value || typeof value !== 'object') {
			revived.set(index, value);
			return value;
		}
		const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [] : {};
		revived.set(index, copy);
		for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
			(copy as Record<string, unknown>)[key] =
				typeof entry === 'string' ? revive(Number(entry)) : entry;
		}
		return copy;
	};
	return revive(0);
}

/** One execution with its data (the run as `n8n execute` prints it), over the REST API. */
export async function executionRun(url: string, cookie: string, id: string): Promise<RunResult> {
	const { status, body } = await rest<{ data: { data: string; status: string } }>(
		url,
		cookie,
		'GET',
		`/rest/executions/${encodeURIComponent(id)}`,
	);
	if (status !== 200) throw new Error(`GET /rest/executions/${id}: HTTP ${status}`);
	return { data: unflatten(body.data.data) as RunResult['data'], status: body.data.status };
}

export async function waitFor<T>(
	check: () => Promise<T | undefined | false> | T | undefined | false,
	what: string,
	timeoutMs = 60_000,
	intervalMs = 250,
): Promise<T> {
	const started = Date.now();
	let last: unknown;
	while (Date.now() - started < timeoutMs) {
		try {
			const result = await check();
			if (result !== undefined && result !== false) return result;
		} catch (error) {
			last = error;
		}
		await sleep(intervalMs);
	}
	throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last}` : ''}`);
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Messages ready and unacknowledged in a queue, as the broker reports them. */
export async function queueCounts(queue: string): Promise<{ ready: number; unacked: number }> {
	const { stdout } = await execFileAsync('rabbitmqctl', [
		'-q',
		'list_queues',
		'name',
		'messages_ready',
		'messages_unacknowledged',
	]);
	for (const line of stdout.split('\n')) {
		const [name, ready, unacked] = line.trim().split(/\s+/);
		if (name === queue) return { ready: Number(ready), unacked: Number(unacked) };
	}
	throw new Error(`rabbitmqctl does not list the queue ${queue}`);
}

/** Consumers attached to a queue, as the broker reports them. */
export async function queueConsumers(queue: string): Promise<number> {
	const { stdout } = await execFileAsync('rabbitmqctl', ['-q', 'list_queues', 'name', 'consumers']);
	for (const line of stdout.split('\n')) {
		const [name, consumers] = line.trim().split(/\s+/);
		if (name === queue) return Number(consumers);
	}
	return 0;
}

export {
	AMQP_URL,
	createDatabase,
	deleteQueues,
	deleteRedisKeys,
	dropDatabase,
	psql,
} from './services';

/** How often each value occurs. */
export function countBy(values: unknown[]): Map<unknown, number> {
	const counts = new Map<unknown, number>();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return counts;
}

/** A local HTTP server recording the JSON bodies POSTed to it. */
export class Receiver {
	readonly bodies: Array<Record<string, unknown>> = [];
	private server?: http.Server;
	url = '';
	/** Requests being answered now, and the most at once so far (executions running at once). */
	inFlight = 0;
	mostInFlight = 0;

	/** `delayMs`: how long each answer takes (keeps executions in flight). */
	constructor(private readonly delayMs = 0) {}

	async start(): Promise<this> {
		this.server = http.createServer((request, response) => {
			this.inFlight++;
			this.mostInFlight = Math.max(this.mostInFlight, this.inFlight);
			response.on('close', () => this.inFlight--);
			let body = '';
			request.on('data', (chunk: Buffer) => (body += chunk.toString()));
			request.on('end', () => {
				try {
					this.bodies.push(JSON.parse(body) as Record<string, unknown>);
				} catch {
					this.bodies.push({ unparsed: body });
				}
				setTimeout(() => {
					response.writeHead(200, { 'content-type': 'application/json' });
					response.end('{"received":true}');
				}, this.delayMs);
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		const { port } = this.server.address() as net.AddressInfo;
		this.url = `http://127.0.0.1:${port}`;
		return this;
	}

	async close(): Promise<void> {
		if (!this.server) return;
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
	}
}

/** Lines of n8n's log that mention the package and are errors or warnings. */
export function packageProblems(log: string): string[] {
	return log
		.split('\n')
		.map((line) => line.split(CACHE_DIR).join('<cache>'))
		.filter((line) => /invers/i.test(line) && /error|warn|fail|could not|unable/i.test(line));
}
