/**
 * `npm start`: the package for real. Starts the OneAPI simulator (REST, and events to the local
 * RabbitMQ) and a pinned n8n on Node 24 with this package installed as a community package, an
 * "INVERS OneAPI" credential pointing at the simulator and the example workflows imported.
 *
 *   npm start -- [--n8n-port 5678] [--simulator-port 8787] [--runner-port 5679] [--fleet-size 50]
 *                [--page-max 100] [--verbose]
 *
 * n8n is installed once into a cache folder outside the repo (~/.cache/n8n-nodes-invers-oneapi);
 * later starts reuse it and its user folder (owner account, credential, workflows). Ctrl+C stops
 * everything this script started.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { queueName, SANDBOX_TOPICS } from '../../simulator/amqpPublisher';
import { DEFAULT_PAGE_MAX } from '../../simulator/inversRules';
import { sandboxCredential } from './credential';
import { ensureDataTable, FLEET_STATE_TABLE } from './dataTables';
import type { ExampleWorkflow } from './examples';
import { forFleet, parseWorkflowIds, readExamples, selectExamplesToImport } from './examples';
import { sandboxFleetId } from './fleetId';
import { sandboxPostgresCredential } from './postgresCredential';
import { sandboxWebhookSecret, unlockExampleCurl, webhookAuthCredential } from './webhookAuth';
import { ensureN8nInstalled, run } from './install';
import { installPackage, n8nCli, OWNER, ownerSession, startN8n } from './n8nInstance';
import type { N8nInstanceOptions, RunningN8n } from './n8nInstance';
import { CACHE_DIR, REPO_ROOT } from './paths';
import { withHeartbeat } from './progress';
import { requireFreePort } from './ports';

/** Bounds of the sandbox's own queues: a day of nothing consuming them piles up nothing. */
const QUEUE_MAX_LENGTH = 1000;
const QUEUE_TTL_SECONDS = 3600;
const TELEMETRY_MS = 10_000;

function option(name: string, fallback: number): number;
function option(name: string, fallback?: number): number | undefined;
function option(name: string, fallback?: number): number | undefined {
	const index = process.argv.indexOf(`--${name}`);
	if (index < 0) return fallback;
	const value = Number(process.argv[index + 1]);
	if (!Number.isInteger(value) || value < 1 || value > 65535) {
		throw new Error(
			`--${name} must be a port or count from 1 to 65535, got '${process.argv[index + 1] ?? ''}'`,
		);
	}
	return value;
}

const verbose = process.argv.includes('--verbose');

function rabbitMqReachable(): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ port: 5672, host: '127.0.0.1' });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

interface SimulatorSettings {
	port: number;
	fleetSize: number;
	fleetId: string;
	pageMax?: number;
}

function startSimulator(settings: SimulatorSettings): Promise<ChildProcess> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			'bash',
			[
				path.join(REPO_ROOT, 'scripts', 'run-ts.sh'),
				path.join(REPO_ROOT, 'simulator', 'cli.ts'),
				'--port',
				String(settings.port),
				'--fleet-size',
				String(settings.fleetSize),
				'--telemetry-ms',
				String(TELEMETRY_MS),
				'--fleet-id',
				settings.fleetId,
				'--exchange',
				sandboxExchange(settings.fleetId),
				'--queue-max-length',
				String(QUEUE_MAX_LENGTH),
				'--queue-ttl',
				String(QUEUE_TTL_SECONDS),
				...(settings.pageMax === undefined ? [] : ['--page-max', String(settings.pageMax)]),
			],
			{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
		);
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			if (verbose) process.stdout.write(chunk);
			// Ready once it printed where its events go (the broker was reached).
			if (output.includes('events:')) resolve(child);
		});
		child.once('exit', (code) =>
			reject(new Error(`The simulator exited (code ${code}):\n${output}`)),
		);
	});
}

/** The sandbox's exchange: the queues are bound by event type, so a shared one mixes fleets. */
function sandboxExchange(fleetId: string): string {
	return `invers.events.${fleetId}`;
}

/** Imports the examples n8n does not have yet, their queues renamed to the sandbox's fleet. */
async function importNewExamples(instance: N8nInstanceOptions, fleetId: string) {
	const cliHeartbeat = { usually: 'about 15 s' };
	const idsInN8n = parseWorkflowIds(
		// It prints the ids through n8n's logger: at n8n's CLI default of warn it prints nothing.
		await n8nCli(
			{ ...instance, env: { N8N_LOG_LEVEL: 'info' } },
			['list:workflow', '--onlyId'],
			cliHeartbeat,
		),
	);
	const selection = selectExamplesToImport(readExamples(), idsInN8n);
	if (selection.imported.length === 0) return selection;
	const dir = mkdtempSync(path.join(os.tmpdir(), 'invers-examples-'));
	try {
		for (const example of selection.imported) {
			writeFileSync(
				path.join(dir, `${example.id}.json`),
				JSON.stringify(forFleet(example, fleetId)),
			);
		}
		await n8nCli(instance, ['import:workflow', '--separate', `--input=${dir}`], cliHeartbeat);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
	return selection;
}

/**
 * A sandbox started by an older version has examples consuming `fleet-demo.*`, queues this
 * sandbox no longer feeds (they were declared unbounded, and RabbitMQ refuses to add bounds).
 */
function upgradeNote(keptFromOlderSandbox: boolean): string {
	return keptFromOlderSandbox
		? '\n               (kept from an older sandbox, they consume fleet-demo.* queues: delete them in n8n' +
				"\n               and restart to get them with this sandbox's queues)"
		: '';
}

function names(examples: ExampleWorkflow[]): string {
	return examples.length === 0
		? 'none'
		: examples.map((example) => example.name.replace(/^INVERS example: /, '')).join(', ');
}

async function main() {
	const n8nPort = option('n8n-port', 5678);
	const simulatorPort = option('simulator-port', 8787);
	const runnerPort = option('runner-port', 5679);
	const fleetSize = option('fleet-size', 50);
	const pageMax = option('page-max');

	await requireFreePort(n8nPort, 'n8n', '--n8n-port');
	await requireFreePort(runnerPort, "n8n's task-runner broker", '--runner-port');
	await requireFreePort(simulatorPort, 'the OneAPI simulator', '--simulator-port');
	if (!(await rabbitMqReachable())) {
		throw new Error(
			'RabbitMQ is not reachable at 127.0.0.1:5672: the simulator publishes its events there and the INVERS Trigger consumes them. Start it (e.g. `rabbitmq-server -detached`) and run `npm start` again.',
		);
	}

	console.log('Building the package (npm run build) …');
	await run('npm', ['run', 'build', '--silent'], {
		cwd: REPO_ROOT,
		label: 'build',
		quiet: true,
		heartbeat: { usually: 'about 20 s' },
	});
	await ensureN8nInstalled();

	const userFolder = path.join(CACHE_DIR, 'sandbox');
	mkdirSync(userFolder, { recursive: true });
	const { fleetId, created: fleetIdCreated } = sandboxFleetId(userFolder);
	const logFile = path.join(userFolder, 'n8n.log');
	console.log(
		'Installing this package into n8n (from npm pack, as n8n installs community packages) …',
	);
	await withHeartbeat('install package', { usually: 'about 20 s' }, () =>
		installPackage(userFolder),
	);

	const children: Array<{ stop(): Promise<void> } | ChildProcess> = [];
	let stopping = false;
	const stopAll = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the simulator …');
		for (const child of children.reverse()) {
			if ('stop' in child) await child.stop();
			else child.kill('SIGTERM');
		}
		process.exit(code);
	};
	// `npm start | tee log` ended by Ctrl+C: the pipe's reader may go first, and a write to it
	// (EPIPE) would end this process before it stopped n8n, which runs in its own process group.
	process.stdout.on('error', () => undefined);
	process.once('SIGINT', () => void stopAll(0));
	process.once('SIGTERM', () => void stopAll(0));

	console.log(`Starting the OneAPI simulator on http://127.0.0.1:${simulatorPort} …`);
	const simulator = await startSimulator({ port: simulatorPort, fleetSize, fleetId, pageMax });
	children.push(simulator);
	const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;

	const instance = { userFolder, port: n8nPort, runnerBrokerPort: runnerPort };
	const credentialFile = path.join(userFolder, 'sandbox-credential.json');
	writeFileSync(
		credentialFile,
		JSON.stringify(
			[
				sandboxCredential(simulatorUrl),
				sandboxPostgresCredential(),
				// Example 4's webhook secret: generated on the first start, kept afterwards.
				webhookAuthCredential(sandboxWebhookSecret(userFolder)),
			],
			null,
			2,
		),
	);
	console.log('Importing the credentials and the example workflows n8n does not have yet …');
	// The first CLI command on a new user folder creates n8n's database (migrations).
	await n8nCli(instance, ['import:credentials', `--input=${credentialFile}`], {
		usually: 'about 15 s, 1-2 minutes on the first start',
	});
	const examples = await importNewExamples(instance, fleetId);

	console.log(`Starting n8n on http://127.0.0.1:${n8nPort} …`);
	let n8n: RunningN8n;
	try {
		console.log(`  n8n's log: ${logFile}${verbose ? '' : ' (--verbose shows it here too)'}`);
		n8n = await startN8n(instance, ['start'], 300_000, {
			progressLabel: 'n8n start',
			logFile,
			echoLog: verbose,
		});
	} catch (error) {
		await stopAll(1);
		throw error;
	}
	children.push(n8n);
	const cookie = await ownerSession(n8n.url);
	// The fleet state mirror example writes this table, the nightly sweep reads it.
	await ensureDataTable(n8n.url, cookie, FLEET_STATE_TABLE);
	n8n.process.once('exit', (code) => {
		if (!stopping) {
			console.error(`n8n exited (code ${code}):\n${n8n.log().slice(-3000)}`);
			void stopAll(1);
		}
	});

	const credential = sandboxCredential(simulatorUrl);
	const queue = (topic: string) =>
		queueName(fleetId, SANDBOX_TOPICS.find((candidate) => candidate.name === topic)!);
	console.log(`
n8n with the INVERS nodes is running.

  n8n:         ${n8n.url}  (login ${OWNER.email} / ${OWNER.password})
  n8n's log:   ${logFile}${verbose ? '' : '  (npm start -- --verbose shows it here too)'}
  simulator:   ${simulatorUrl}  client ID ${credential.data.clientId}, client secret ${credential.data.clientSecret}
               (the credential "${credential.name}" uses them; page size at most ${pageMax ?? DEFAULT_PAGE_MAX}, --page-max)
  telemetry:   one state event every ${TELEMETRY_MS / 1000} s; one more now: curl -X POST ${simulatorUrl}/__sim/telemetry
  events:      RabbitMQ 127.0.0.1:5672 (guest), exchange ${sandboxExchange(fleetId)}, queues of fleet ${fleetId}:
                 ${queue('vehicle-states')}, ${queue('vehicle-changes')}  (examples 2, 3)
                 ${queue('mirror.vehicle-states')}, ${queue('mirror.vehicle-changes')}  (example 6)
               each keeps at most ${QUEUE_MAX_LENGTH} events, none older than ${QUEUE_TTL_SECONDS / 3600} h
  data table:  ${FLEET_STATE_TABLE.name} (Overview → Data tables), written by example 6, read by example 1
  examples:    imported: ${names(examples.imported)}
               kept as they are in n8n: ${names(examples.kept)}${upgradeNote(examples.kept.length > 0 && fleetIdCreated)}
  example 4:   publish it, then:
               ${unlockExampleCurl(n8n.url, sandboxWebhookSecret(userFolder))}

Ctrl+C stops n8n and the simulator.`);
}

main().catch((error) => {
	console.error(`\n${error instanceof Error ? error.message : error}`);
	process.exit(1);
});
