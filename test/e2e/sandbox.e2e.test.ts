/**
 * `npm start` as a new user meets it, in a sandbox folder of its own (INVERS_SANDBOX_DIR; n8n
 * itself from the shared cache) on free ports: the first start publishes the examples that only
 * read or mirror events and leaves the others, prints example 2's alerts and a curl line for
 * example 4 that names a real parked car, keeps a progress line at least every 10 s, and leaves
 * no stack trace of n8n's online services in n8n.log. A restart keeps what the user changed and
 * the printed curl line unlocks the car. Every stop signal sent to the top `npm start` process
 * (npm) alone, as an IDE or a process manager sends it, ends every process it started.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { alive, commandOf, descendants } from '../../scripts/processTree';
import { queueName, SANDBOX_TOPICS } from '../../simulator/amqpPublisher';
import {
	dataTableRows,
	ensureDataTable,
	FLEET_STATE_TABLE,
} from '../../scripts/sandbox/dataTables';
import { ownerSession } from '../../scripts/sandbox/n8nInstance';
import { portInUse } from '../../scripts/sandbox/ports';
import { REPO_ROOT } from '../../scripts/sandbox/paths';
import { publishWorkflow } from '../../scripts/sandbox/workflowsApi';
import {
	AMQP_URL,
	EXAMPLE_IDS,
	createDatabase,
	describeE2e,
	dropDatabase,
	freePort,
	rest,
	tempDir,
	waitFor,
} from './harness';

/** Example 3 writes its table here (the sandbox creates it), not into the machine's own database. */
const DATABASE = `invers_e2e_sandbox_${process.pid}`;

const BANNER = 'n8n with the INVERS nodes is running.';
/** The progress promise: a line at least every 10 s; a little slack for a loaded machine. */
const MAX_SILENCE_MS = 12_500;

interface Sandbox {
	npm: ChildProcessWithoutNullStreams;
	/** stdout and stderr so far. */
	output(): string;
	/** Milliseconds between consecutive lines up to now (the longest silence). */
	longestSilence(): number;
	exited: Promise<number | null>;
}

describeE2e('npm start (the sandbox) as a new user meets it', () => {
	const sandboxDir = path.join(tempDir('sandbox'), 'user');
	let ports: { n8n: number; simulator: number; runner: number; alert: number };
	let n8nUrl: string;
	let simulatorUrl: string;
	let fleetId: string | undefined;

	beforeAll(async () => {
		ports = {
			n8n: await freePort(),
			simulator: await freePort(),
			runner: await freePort(),
			alert: await freePort(),
		};
		n8nUrl = `http://127.0.0.1:${ports.n8n}`;
		simulatorUrl = `http://127.0.0.1:${ports.simulator}`;
		await createDatabase(DATABASE);
	});

	/** The sandbox of the running test: a test that fails half-way leaves nothing running. */
	let current: Sandbox | undefined;

	afterEach(() => {
		if (!current?.npm.pid) return;
		for (const pid of [current.npm.pid, ...descendants(current.npm.pid)]) {
			if (alive(pid)) process.kill(pid, 'SIGKILL');
		}
		current = undefined;
	});

	afterAll(async () => {
		await dropDatabase(DATABASE);
		if (!fleetId) return;
		// The sandbox's queues are durable: remove this test fleet's.
		const { connect } = await import('amqplib');
		const connection = await connect(AMQP_URL);
		try {
			const channel = await connection.createChannel();
			for (const topic of SANDBOX_TOPICS) {
				const queue = queueName(fleetId, topic);
				await channel.deleteQueue(queue).catch(() => undefined);
				await channel.deleteQueue(`${queue}.dead-letter`).catch(() => undefined);
			}
			await channel.deleteExchange(`invers.events.${fleetId}`).catch(() => undefined);
			await channel.deleteExchange(`invers.events.${fleetId}.dead-letter`).catch(() => undefined);
			await channel.close().catch(() => undefined);
		} finally {
			await connection.close().catch(() => undefined);
		}
	});

	/** `npm start` on the test's ports and folder, as a user runs it (npm is the top process). */
	function startSandbox(): Sandbox {
		const env: NodeJS.ProcessEnv = {
			...process.env,
			INVERS_SANDBOX_DIR: sandboxDir,
			PGDATABASE: DATABASE,
		};
		// Jest's NODE_ENV=test makes n8n exit silently at start; a user's shell has none.
		delete env.NODE_ENV;
		const npm = spawn(
			'npm',
			[
				'start',
				'--',
				'--n8n-port',
				String(ports.n8n),
				'--simulator-port',
				String(ports.simulator),
				'--runner-port',
				String(ports.runner),
				'--alert-port',
				String(ports.alert),
			],
			{ cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] },
		);
		let output = '';
		let last = Date.now();
		let longest = 0;
		const collect = (chunk: Buffer) => {
			const now = Date.now();
			longest = Math.max(longest, now - last);
			last = now;
			output += chunk.toString();
		};
		npm.stdout.on('data', collect);
		npm.stderr.on('data', collect);
		const exited = new Promise<number | null>((resolve) => npm.once('exit', resolve));
		current = {
			npm,
			output: () => output,
			longestSilence: () => Math.max(longest, Date.now() - last),
			exited,
		};
		return current;
	}

	async function banner(sandbox: Sandbox, timeoutMs: number): Promise<string> {
		let silenceBeforeBanner = 0;
		await waitFor(
			() => {
				if (sandbox.npm.exitCode !== null) {
					throw new Error(`npm start exited early:\n${sandbox.output().slice(-4000)}`);
				}
				const done = sandbox.output().includes(BANNER);
				if (!done) silenceBeforeBanner = sandbox.longestSilence();
				return done;
			},
			'the banner of npm start',
			timeoutMs,
			200,
		);
		// Every phase before the banner printed at least every 10 s.
		expect(silenceBeforeBanner).toBeLessThan(MAX_SILENCE_MS);
		const text = sandbox.output();
		return text.slice(text.indexOf(BANNER));
	}

	/**
	 * Sends `signal` to npm alone (not its group) and waits until every process started under it is
	 * gone: npm, the launcher, the simulator, n8n and its task runner, any build or CLI step.
	 */
	async function stopWith(sandbox: Sandbox, signal: NodeJS.Signals, atLeast: number) {
		const family = [sandbox.npm.pid!, ...descendants(sandbox.npm.pid!)];
		expect(family.length).toBeGreaterThanOrEqual(atLeast);
		const commands = new Map(family.map((pid) => [pid, commandOf(pid)]));
		process.kill(sandbox.npm.pid!, signal);
		try {
			await waitFor(
				() => family.every((pid) => !alive(pid)),
				`every process to end after ${signal}`,
				40_000,
			);
		} catch (error) {
			const left = family.filter(alive).map((pid) => `${pid} ${commands.get(pid)}`);
			throw new Error(`${(error as Error).message}; still running:\n${left.join('\n')}`);
		}
		await sandbox.exited;
		for (const port of Object.values(ports)) expect(await portInUse(port)).toBe(false);
	}

	async function examplesPublished(cookie: string): Promise<Record<string, boolean>> {
		const states: Record<string, boolean> = {};
		for (const id of Object.values(EXAMPLE_IDS)) {
			const { body } = await rest<{ data: { active: boolean } }>(
				n8nUrl,
				cookie,
				'GET',
				`/rest/workflows/${id}`,
			);
			states[id] = body.data.active;
		}
		return states;
	}

	let parkedCar: string;

	it(
		'first start: publishes 2, 3 and 6, leaves 1, 4, 5, 7 and 8, prints alerts and a parked car; SIGINT to npm ends everything',
		async () => {
			const sandbox = startSandbox();
			const text = await banner(sandbox, 8 * 60_000);
			fleetId = readFileSync(path.join(sandboxDir, 'fleet-id'), 'utf8').trim();

			expect(text).toContain(
				'published, running now: 2 Event-triggered alert, 3 Master data sync to Postgres, 6 Fleet state mirror',
			);
			expect(text).toContain(
				'not published: 1 Nightly maintenance sweep, 4 Unlock on booking (webhook), 5 Fleet onboarding, 7 Fleet assistant (AI agent), 8 Fleet state mirror (PostgreSQL)',
			);
			expect(text).toContain('imported now: 1, 2, 3, 4, 5, 6, 7, 8; kept as they are in n8n: none');
			expect(text).toContain(`example 2 posts to http://127.0.0.1:${ports.alert}/invers-alert`);
			const example4 = /example 4: {3}publish it, then it unlocks (\S+) \(a parked, free car/.exec(
				text,
			);
			expect(example4).not.toBeNull();
			parkedCar = example4![1];
			expect(text).toContain(`-d '{"vehicle_id":"${parkedCar}"}'`);
			expect(text).not.toContain('<a car id>');
			const parked = await (
				await fetch(
					`${simulatorUrl}/__sim/parked-vehicles?command=UNLOCK_AND_ENABLE_DRIVING&vehicle_type=CAR`,
				)
			).json();
			expect((parked as { items: string[] }).items).toContain(parkedCar);

			const cookie = await ownerSession(n8nUrl);
			expect(await examplesPublished(cookie)).toEqual({
				[EXAMPLE_IDS.maintenanceSweep]: false,
				[EXAMPLE_IDS.alert]: true,
				[EXAMPLE_IDS.masterDataSync]: true,
				[EXAMPLE_IDS.unlockOnBooking]: false,
				[EXAMPLE_IDS.onboarding]: false,
				[EXAMPLE_IDS.fleetStateMirror]: true,
				// Example 6's alternative, on the same queues.
				[EXAMPLE_IDS.fleetStateMirrorPostgres]: false,
			});

			// Every vehicle reports once: the low ones alert (printed here), the mirror fills its table.
			const reported: Array<{ id: string; charge?: number }> = [];
			const token = await fetch(`${simulatorUrl}/auth/oauth/token?grant_type=client_credentials`, {
				method: 'POST',
				headers: {
					authorization: `Basic ${Buffer.from('demo#client:demo-secret').toString('base64')}`,
				},
			});
			const { access_token } = (await token.json()) as { access_token: string };
			const list = await fetch(`${simulatorUrl}/vehicles?limit=100`, {
				headers: { authorization: `Bearer ${access_token}` },
			});
			for (const vehicle of (
				(await list.json()) as { items: Array<{ id: string; life_status: { value: string } }> }
			).items) {
				if (vehicle.life_status.value !== 'ONLINE') continue;
				const emitted = await fetch(`${simulatorUrl}/__sim/telemetry?vehicle_id=${vehicle.id}`, {
					method: 'POST',
				});
				const envelope = (await emitted.json()) as {
					data: { vehicle_state: Record<string, { value: unknown }> };
				};
				const charge = envelope.data.vehicle_state.state_of_charge_or_fuel_level_in_percent?.value;
				reported.push({ id: vehicle.id, charge: typeof charge === 'number' ? charge : undefined });
			}
			const low = reported.filter((vehicle) => vehicle.charge !== undefined && vehicle.charge < 20);
			expect(low.length).toBeGreaterThan(0);
			await waitFor(
				() =>
					low.every(({ id }) =>
						new RegExp(`\\[alert [\\d:]+\\] low_charge: vehicle ${id} at `).test(sandbox.output()),
					),
				'an alert line for each low vehicle',
				90_000,
			);
			const table = await ensureDataTable(n8nUrl, cookie, FLEET_STATE_TABLE);
			await waitFor(
				async () => {
					const rows = await dataTableRows(n8nUrl, cookie, table);
					return reported.every(({ id }) => rows.some((row) => row.vehicle_id === id));
				},
				'a mirror row for each vehicle that reported',
				90_000,
			);

			// n8n's log: no stack trace of an online service an offline machine cannot reach.
			const log = readFileSync(path.join(sandboxDir, 'n8n.log'), 'utf8');
			expect(
				log
					.split('\n')
					.filter((line) => /^\s+at\s/.test(line) || /ENOTFOUND|ECONNREFUSED|ETIMEDOUT/.test(line)),
			).toEqual([]);

			// The user publishes example 4 and unpublishes example 2; the restart must keep both.
			expect(await publishWorkflow(n8nUrl, cookie, EXAMPLE_IDS.unlockOnBooking)).toBeUndefined();
			const deactivated = await rest(
				n8nUrl,
				cookie,
				'POST',
				`/rest/workflows/${EXAMPLE_IDS.alert}/deactivate`,
				{},
			);
			expect(deactivated.status).toBe(200);

			await stopWith(sandbox, 'SIGINT', 5);
		},
		12 * 60_000,
	);

	it(
		'restart: keeps what the user changed, example 4 published, its curl line unlocks the car; SIGHUP to npm ends everything',
		async () => {
			const sandbox = startSandbox();
			const text = await banner(sandbox, 5 * 60_000);

			expect(text).toContain('imported now: none; kept as they are in n8n: 1, 2, 3, 4, 5, 6, 7, 8');
			expect(text).toContain(
				'published, running now: 3 Master data sync to Postgres, 4 Unlock on booking (webhook), 6 Fleet state mirror',
			);
			expect(text).toContain(
				'not published: 1 Nightly maintenance sweep, 2 Event-triggered alert, 5 Fleet onboarding, 7 Fleet assistant (AI agent), 8 Fleet state mirror (PostgreSQL)',
			);
			expect(text).not.toContain('publish it, then');
			const line = /example 4: {3}published; it unlocks (\S+) [^\n]*\n\s+(curl [^\n]+)/.exec(text);
			expect(line).not.toBeNull();
			// Run as printed.
			const curl = spawn('bash', ['-c', `${line![2]} -s -w '\\n%{http_code}'`]);
			let answer = '';
			curl.stdout.on('data', (chunk: Buffer) => (answer += chunk.toString()));
			await new Promise((resolve) => curl.once('exit', resolve));
			const [body, status] = answer.trim().split('\n');
			expect(status).toBe('200');
			expect(JSON.parse(body)).toMatchObject({
				ok: true,
				vehicle_id: line![1],
				central_lock: 'UNLOCKED',
			});

			await stopWith(sandbox, 'SIGHUP', 5);
		},
		8 * 60_000,
	);

	it(
		'SIGTERM to npm while the package builds ends the build and everything else',
		async () => {
			const sandbox = startSandbox();
			await waitFor(
				() => sandbox.output().includes('Building the package'),
				'the build to start',
				60_000,
			);
			// The build's own processes (npm run build, tsc) run by now.
			await waitFor(() => descendants(sandbox.npm.pid!).length >= 3, 'the build processes', 30_000);
			await stopWith(sandbox, 'SIGTERM', 3);
			expect(sandbox.output()).toContain('SIGTERM received: stopping');
		},
		3 * 60_000,
	);
});
