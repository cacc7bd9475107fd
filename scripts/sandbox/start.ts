/**
 * `npm start`: the package for real. Starts the OneAPI simulator (REST, and events to the local
 * RabbitMQ) and a pinned n8n on Node 24 with this package installed as a community package, an
 * "INVERS OneAPI" credential pointing at the simulator and the example workflows imported.
 *
 *   npm start -- [--n8n-port 5678] [--simulator-port 8787] [--runner-port 5679] [--fleet-size 50]
 *
 * n8n is installed once into a cache folder outside the repo (~/.cache/n8n-nodes-invers-oneapi);
 * later starts reuse it and its user folder (owner account, credential, workflows). Ctrl+C stops
 * everything this script started.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { sandboxCredential } from './credential';
import { ensureDataTable, FLEET_STATE_TABLE } from './dataTables';
import { sandboxPostgresCredential } from './postgresCredential';
import { sandboxWebhookSecret, webhookAuthCredential } from './webhookAuth';
import { ensureN8nInstalled } from './install';
import { installPackage, n8nCli, OWNER, ownerSession, startN8n } from './n8nInstance';
import type { RunningN8n } from './n8nInstance';
import { CACHE_DIR, REPO_ROOT } from './paths';
import { withHeartbeat } from './progress';
import { requireFreePort } from './ports';

function option(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
	if (!Number.isInteger(value) || value < 1 || value > 65535) {
		throw new Error(`--${name} must be a port or count from 1 to 65535`);
	}
	return value;
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

function startSimulator(port: number, fleetSize: number): Promise<ChildProcess> {
	return new Promise((resolve, reject) => {
		const child = spawn(
			'bash',
			[
				path.join(REPO_ROOT, 'scripts', 'run-ts.sh'),
				path.join(REPO_ROOT, 'simulator', 'cli.ts'),
				'--port',
				String(port),
				'--fleet-size',
				String(fleetSize),
				'--telemetry-ms',
				'10000',
			],
			{ cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
		);
		let output = '';
		child.stdout!.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			// Ready once it printed where its events go (the broker was reached).
			if (output.includes('events:')) resolve(child);
		});
		child.once('exit', (code) =>
			reject(new Error(`The simulator exited (code ${code}):\n${output}`)),
		);
	});
}

async function main() {
	const n8nPort = option('n8n-port', 5678);
	const simulatorPort = option('simulator-port', 8787);
	const runnerPort = option('runner-port', 5679);
	const fleetSize = option('fleet-size', 50);

	await requireFreePort(n8nPort, 'n8n', '--n8n-port');
	await requireFreePort(runnerPort, "n8n's task-runner broker", '--runner-port');
	await requireFreePort(simulatorPort, 'the OneAPI simulator', '--simulator-port');
	if (!(await rabbitMqReachable())) {
		throw new Error(
			'RabbitMQ is not reachable at 127.0.0.1:5672: the simulator publishes its events there and the INVERS Trigger consumes them. Start it (e.g. `rabbitmq-server -detached`) and run `npm start` again.',
		);
	}

	await ensureN8nInstalled();

	const userFolder = path.join(CACHE_DIR, 'sandbox');
	mkdirSync(userFolder, { recursive: true });
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
	process.once('SIGINT', () => void stopAll(0));
	process.once('SIGTERM', () => void stopAll(0));

	console.log(`Starting the OneAPI simulator on http://127.0.0.1:${simulatorPort} …`);
	const simulator = await startSimulator(simulatorPort, fleetSize);
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
	console.log('Importing the credential and the example workflows …');
	// The first CLI command on a new user folder creates n8n's database (migrations).
	const cliHeartbeat = { usually: 'about 15 s, 1-2 minutes on the first start' };
	await n8nCli(instance, ['import:credentials', `--input=${credentialFile}`], cliHeartbeat);
	const examples = path.join(REPO_ROOT, 'examples');
	if (existsSync(examples) && readdirSync(examples).some((name) => name.endsWith('.json'))) {
		await n8nCli(instance, ['import:workflow', '--separate', `--input=${examples}`], cliHeartbeat);
	}

	console.log(`Starting n8n on http://127.0.0.1:${n8nPort} …`);
	let n8n: RunningN8n;
	try {
		n8n = await startN8n(instance, ['start'], 300_000, { progressLabel: 'n8n start' });
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

	console.log(`
n8n with the INVERS nodes is running.

  n8n:        ${n8n.url}
  login:      ${OWNER.email} / ${OWNER.password}
  credential: "INVERS OneAPI (local simulator)" → ${simulatorUrl} (client demo#client)
  events:     RabbitMQ 127.0.0.1:5672, queues fleet-demo.vehicle-changes and fleet-demo.vehicle-states
              (and fleet-demo.mirror.*, a second event consumer's, for the fleet state mirror)
  data table: ${FLEET_STATE_TABLE.name} (Overview → Data tables), written by the fleet state mirror
  examples:   Workflows → the "INVERS example" workflows

Ctrl+C stops n8n and the simulator.`);
}

main().catch((error) => {
	console.error(`\n${error instanceof Error ? error.message : error}`);
	process.exit(1);
});
