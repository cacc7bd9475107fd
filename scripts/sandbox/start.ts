/**
 * `npm start`: the package for real. Starts the OneAPI simulator (REST, and events to the local
 * RabbitMQ) and a pinned n8n on Node 24 with this package installed as a community package, an
 * "INVERS OneAPI" credential pointing at the simulator and the example workflows imported; the
 * examples that only read or mirror events are published, and example 2's alerts are printed here.
 *
 *   npm start -- [--n8n-port 5678] [--simulator-port 8787] [--runner-port 5679]
 *                [--alert-port 8999] [--fleet-size 50] [--page-max 100] [--verbose]
 *
 * n8n is installed once into a cache folder outside the repo (~/.cache/n8n-nodes-invers-oneapi);
 * later starts reuse it and the sandbox's user folder (owner account, credential, workflows). Any
 * stop (Ctrl+C, SIGINT, SIGTERM or SIGHUP to the `npm start` process) stops everything this
 * script started (processes.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { queueName, SANDBOX_TOPICS } from '../../simulator/amqpPublisher';
import { DEFAULT_PAGE_MAX } from '../../simulator/inversRules';
import type { AlertReceiver } from './alertReceiver';
import { DEFAULT_ALERT_PORT, startAlertReceiver } from './alertReceiver';
import { sandboxCredential } from './credential';
import { ensureDataTable, FLEET_STATE_TABLE } from './dataTables';
import type { ExampleWorkflow } from './examples';
import {
	EXAMPLE_IDS,
	PUBLISH_ON_IMPORT,
	exampleLabel,
	exampleNumber,
	forSandbox,
	parseWorkflowIds,
	readExamples,
	selectExamplesToImport,
} from './examples';
import { sandboxFleetId } from './fleetId';
import { ensureN8nInstalled, run } from './install';
import { ensureMasterDataTable, MASTER_DATA_TABLE } from './masterDataTable';
import { installPackage, n8nCli, OWNER, ownerSession, startN8n } from './n8nInstance';
import type { N8nInstanceOptions, RunningN8n } from './n8nInstance';
import { REPO_ROOT, SANDBOX_DIR } from './paths';
import { requireFreePort } from './ports';
import { onStopRequest, stopAll, track } from './processes';
import { withHeartbeat } from './progress';
import { sandboxPostgresCredential } from './postgresCredential';
import { sandboxWebhookSecret, unlockExampleCurl, webhookAuthCredential } from './webhookAuth';
import { publishedStates, publishWorkflow } from './workflowsApi';

/** Bounds of the sandbox's own queues: a day of nothing consuming them piles up nothing. */
const QUEUE_MAX_LENGTH = 1000;
const QUEUE_TTL_SECONDS = 3600;
const TELEMETRY_MS = 10_000;
/** The command example 4 sends, and the vehicles it is meant for. */
const UNLOCK_COMMAND = 'UNLOCK_AND_ENABLE_DRIVING';

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

/** Prints a line; a terminal that went away (SIGHUP) must not stop the stop. */
function say(text: string): void {
	try {
		process.stdout.write(`${text}\n`);
	} catch {
		// Nobody reads any more.
	}
}

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
		const child = track(
			spawn(
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
				{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
			),
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

/** Imports the examples n8n does not have yet, for the sandbox's fleet and alert receiver. */
async function importNewExamples(
	instance: N8nInstanceOptions,
	fleetId: string,
	alertsTo: string,
): Promise<{ imported: ExampleWorkflow[]; kept: ExampleWorkflow[] }> {
	const idsInN8n = parseWorkflowIds(
		// It prints the ids through n8n's logger: at n8n's CLI default of warn it prints nothing.
		await n8nCli({ ...instance, env: { N8N_LOG_LEVEL: 'info' } }, ['list:workflow', '--onlyId']),
	);
	const selection = selectExamplesToImport(readExamples(), idsInN8n);
	if (selection.imported.length === 0) return selection;
	const dir = mkdtempSync(path.join(os.tmpdir(), 'invers-examples-'));
	try {
		for (const example of selection.imported) {
			writeFileSync(
				path.join(dir, `${example.id}.json`),
				JSON.stringify(forSandbox(example, fleetId, alertsTo)),
			);
		}
		await n8nCli(instance, ['import:workflow', '--separate', `--input=${dir}`]);
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

function labels(examples: ExampleWorkflow[]): string {
	return examples.length === 0 ? 'none' : examples.map(exampleLabel).join(', ');
}

function numbers(examples: ExampleWorkflow[]): string {
	return examples.length === 0 ? 'none' : examples.map(exampleNumber).join(', ');
}

/** A car of the simulated fleet that stands still, is free and would be unlocked now. */
async function parkedCar(simulatorUrl: string): Promise<string | undefined> {
	try {
		const response = await fetch(
			`${simulatorUrl}/__sim/parked-vehicles?command=${UNLOCK_COMMAND}&vehicle_type=CAR`,
		);
		const body = (await response.json()) as { items?: string[] };
		return body.items?.[0];
	} catch {
		return undefined;
	}
}

let alerts: AlertReceiver | undefined;
/** Alerts that came before the banner, printed after it. */
let heldAlerts: string[] | undefined = [];
let stopStarted = false;

/** Stops everything this script started, then ends the process. */
async function stop(reason: string, code: number): Promise<void> {
	if (stopStarted) return;
	stopStarted = true;
	say(`\n${reason}: stopping n8n, the simulator and everything else npm start started …`);
	await Promise.all([stopAll(), alerts?.close()]);
	process.exit(code);
}

async function main() {
	const n8nPort = option('n8n-port', 5678);
	const simulatorPort = option('simulator-port', 8787);
	const runnerPort = option('runner-port', 5679);
	const alertPort = option('alert-port', DEFAULT_ALERT_PORT);
	const fleetSize = option('fleet-size', 50);
	const pageMax = option('page-max');

	await requireFreePort(n8nPort, 'n8n', '--n8n-port');
	await requireFreePort(runnerPort, "n8n's task-runner broker", '--runner-port');
	await requireFreePort(simulatorPort, 'the OneAPI simulator', '--simulator-port');
	await requireFreePort(alertPort, "the receiver of example 2's alerts", '--alert-port');
	if (!(await rabbitMqReachable())) {
		throw new Error(
			'RabbitMQ is not reachable at 127.0.0.1:5672: the simulator publishes its events there and the INVERS Trigger consumes them. Start it (e.g. `rabbitmq-server -detached`) and run `npm start` again.',
		);
	}

	say('Building the package (npm run build) …');
	await run('npm', ['run', 'build', '--silent'], {
		cwd: REPO_ROOT,
		label: 'build',
		quiet: true,
		heartbeat: { usually: 'about 20 s' },
	});
	await ensureN8nInstalled();

	const userFolder = SANDBOX_DIR;
	mkdirSync(userFolder, { recursive: true });
	const { fleetId, created: fleetIdCreated } = sandboxFleetId(userFolder);
	const logFile = path.join(userFolder, 'n8n.log');
	say('Installing this package into n8n (from npm pack, as n8n installs community packages) …');
	await withHeartbeat('install package', { usually: 'about 20 s' }, () =>
		installPackage(userFolder),
	);

	alerts = await startAlertReceiver(alertPort, (line) =>
		heldAlerts ? heldAlerts.push(line) : say(`  ${line}`),
	);

	say(`Starting the OneAPI simulator on http://127.0.0.1:${simulatorPort} …`);
	const simulator = await withHeartbeat('simulator', { usually: 'a few seconds' }, () =>
		startSimulator({ port: simulatorPort, fleetSize, fleetId, pageMax }),
	);
	const simulatorUrl = `http://127.0.0.1:${simulatorPort}`;

	const instance = { userFolder, port: n8nPort, runnerBrokerPort: runnerPort };
	say('Importing the credentials and the example workflows n8n does not have yet …');
	// One heartbeat for the whole phase: each CLI call boots n8n for seconds, and several of them
	// in a row are a long silence.
	const { examples, tableProblem } = await withHeartbeat(
		'import',
		{ usually: 'about 30 s, 1-2 minutes on the first start (database migrations)' },
		async () => {
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
			// The first CLI command on a new user folder creates n8n's database (migrations).
			await n8nCli(instance, ['import:credentials', `--input=${credentialFile}`]);
			return {
				examples: await importNewExamples(instance, fleetId, alerts!.url),
				tableProblem: await ensureMasterDataTable(),
			};
		},
	);

	say(`Starting n8n on http://127.0.0.1:${n8nPort} …`);
	say(`  n8n's log: ${logFile}${verbose ? '' : ' (--verbose shows it here too)'}`);
	const n8n: RunningN8n = await startN8n(instance, ['start'], 300_000, {
		progressLabel: 'n8n start',
		logFile,
		echoLog: verbose,
	});
	n8n.process.once('exit', (code) => {
		if (stopStarted) return;
		say(`n8n exited (code ${code}):\n${n8n.log().slice(-3000)}`);
		void stop('n8n ended', 1);
	});
	simulator.once('exit', (code) => {
		if (!stopStarted) void stop(`The simulator exited (code ${code})`, 1);
	});

	say('Publishing the examples that only read or mirror events …');
	const ready = await withHeartbeat('publish', { usually: 'a few seconds' }, async () => {
		const cookie = await ownerSession(n8n.url);
		// The fleet state mirror example writes this table, the nightly sweep reads it.
		await ensureDataTable(n8n.url, cookie, FLEET_STATE_TABLE);
		const importedIds = new Set(examples.imported.map((example) => example.id));
		const notPublished = new Map<string, string>();
		for (const id of PUBLISH_ON_IMPORT.filter((candidate) => importedIds.has(candidate))) {
			if (id === EXAMPLE_IDS.masterDataSync && tableProblem) {
				notPublished.set(
					id,
					`its table ${MASTER_DATA_TABLE} could not be created: ${tableProblem}`,
				);
				continue;
			}
			const refused = await publishWorkflow(n8n.url, cookie, id);
			if (refused) notPublished.set(id, refused);
		}
		const all = [...examples.imported, ...examples.kept].sort((a, b) => a.id.localeCompare(b.id));
		const states = await publishedStates(
			n8n.url,
			cookie,
			all.map((example) => example.id),
		);
		return { all, states, notPublished, car: await parkedCar(simulatorUrl) };
	});

	const credential = sandboxCredential(simulatorUrl);
	const queue = (topic: string) =>
		queueName(fleetId, SANDBOX_TOPICS.find((candidate) => candidate.name === topic)!);
	const published = ready.all.filter((example) => ready.states.get(example.id));
	const unpublished = ready.all.filter((example) => !ready.states.get(example.id));
	const refusals = [...ready.notPublished].map(
		([id, reason]) =>
			`\n               example ${exampleNumber({ id })} was not published: ${reason}`,
	);
	const unlockPublished = ready.states.get(EXAMPLE_IDS.unlockOnBooking) === true;
	const car = ready.car ?? '<a car id>';
	say(`
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
  examples:    published, running now: ${labels(published)}
               not published: ${labels(unpublished)}
               (publish one in n8n: open it, then Publish at the top right; examples 1 and 5 also
               run once with "Execute workflow")${refusals.join('')}
               imported now: ${numbers(examples.imported)}; kept as they are in n8n: ${numbers(examples.kept)}${upgradeNote(examples.kept.length > 0 && fleetIdCreated)}
  alerts:      example 2 posts to ${alerts!.url}: each alert is printed here, as it comes
  example 4:   ${unlockPublished ? 'published; it unlocks' : 'publish it, then it unlocks'} ${car} (a parked, free car of the simulator):
               ${unlockExampleCurl(n8n.url, sandboxWebhookSecret(userFolder), car)}

Ctrl+C (or SIGINT, SIGTERM, SIGHUP to npm start) stops n8n, the simulator and the alert receiver.
`);
	for (const line of heldAlerts ?? []) say(`  ${line}`);
	heldAlerts = undefined;
}

// From the first line on: a stop during the build or n8n's install ends those too.
onStopRequest((reason) => void stop(reason, 0));
// `npm start | tee log` ended by Ctrl+C: the pipe's reader may go first, and a write to it
// (EPIPE) must not end this process before it stopped what it started.
process.stdout.on('error', () => undefined);
process.stderr.on('error', () => undefined);

main().catch((error) => {
	if (stopStarted) return;
	say(`\n${error instanceof Error ? error.message : error}`);
	void stop('npm start failed', 1);
});
