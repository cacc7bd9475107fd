import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import {
	createWriteStream,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { node24Env, run } from './install';
import { N8N_BIN, REPO_ROOT } from './paths';
import { stopGroup, track } from './processes';
import type { HeartbeatOptions } from './progress';
import { startHeartbeat } from './progress';

export interface N8nInstanceOptions {
	/** n8n's user folder: its database, settings and community packages live below it. */
	userFolder: string;
	port: number;
	/** Port of the task-runner broker; parallel instances need their own. */
	runnerBrokerPort: number;
	/** Extra environment (queue mode, log level, …). */
	env?: NodeJS.ProcessEnv;
}

export const OWNER = {
	email: 'owner@invers-sandbox.local',
	firstName: 'Fleet',
	lastName: 'Operator',
	password: 'Invers-Sandbox-1',
};

/**
 * n8n's features that call n8n's online services, off: the sandbox and the tests run on machines
 * without internet access, where each call fails with a stack trace in n8n's log, and none of
 * them concerns the INVERS nodes. Telemetry, version and "what's new" checks, templates,
 * personalization and banners, the AI assistant, the verified community-node list and the MCP
 * server registry (a module that refreshes its list from api.n8n.io on start).
 */
const OFFLINE: NodeJS.ProcessEnv = {
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
	N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_DYNAMIC_BANNERS_ENABLED: 'false',
	N8N_AI_ENABLED: 'false',
	N8N_VERIFIED_PACKAGES_ENABLED: 'false',
	N8N_DISABLED_MODULES: 'mcp-registry',
};

export function n8nEnv(options: N8nInstanceOptions): NodeJS.ProcessEnv {
	return node24Env({
		N8N_USER_FOLDER: options.userFolder,
		N8N_PORT: String(options.port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(options.runnerBrokerPort),
		N8N_SECURE_COOKIE: 'false',
		...OFFLINE,
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		...options.env,
	});
}

/**
 * n8n's queue mode against the local Redis and PostgreSQL: the main instance takes triggers and
 * webhooks, workers run the executions. `name` keeps one instance's jobs, database and cache
 * apart from every other on the same Redis (n8n's cache holds, e.g., a workflow's project: a
 * shared prefix would hand one instance another's).
 */
export function queueModeEnv(name: string, database: string): NodeJS.ProcessEnv {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: '6379',
		QUEUE_BULL_PREFIX: `bull-${name}`,
		N8N_CACHE_REDIS_KEY_PREFIX: `cache-${name}`,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: '5432',
		DB_POSTGRESDB_DATABASE: database,
		DB_POSTGRESDB_USER: 'postgres',
		DB_POSTGRESDB_PASSWORD: '',
	};
}

/**
 * Installs the package the way n8n installs a community package: from `npm pack`, with its
 * runtime dependencies, into `<user folder>/.n8n/nodes/node_modules/<name>`. Needs `dist/`.
 */
export async function installPackage(userFolder: string): Promise<void> {
	const packDir = mkdtempSync(path.join(os.tmpdir(), 'invers-pack-'));
	try {
		await run('npm', ['pack', '--pack-destination', packDir, '--silent'], {
			cwd: REPO_ROOT,
			label: 'pack',
			quiet: true,
		});
		const tarball = readdirSync(packDir).find((name) => name.endsWith('.tgz'));
		if (!tarball) throw new Error('npm pack produced no tarball');
		const nodesDir = path.join(userFolder, '.n8n', 'nodes');
		mkdirSync(nodesDir, { recursive: true });
		writeFileSync(
			path.join(nodesDir, 'package.json'),
			'{ "name": "installed-nodes", "private": true }\n',
		);
		await run(
			'npm',
			[
				'install',
				path.join(packDir, tarball),
				'--omit=dev',
				'--omit=peer',
				'--no-audit',
				'--no-fund',
				'--ignore-scripts',
			],
			{ cwd: nodesDir, label: 'install package', quiet: true },
		);
	} finally {
		rmSync(packDir, { recursive: true, force: true });
	}
}

/** Runs an n8n CLI command (import, execute, publish) against the instance's database. */
export async function n8nCli(
	options: N8nInstanceOptions,
	args: string[],
	heartbeat?: HeartbeatOptions,
): Promise<string> {
	return await run(N8N_BIN, args, {
		cwd: options.userFolder,
		env: n8nEnv({ ...options, env: { N8N_LOG_LEVEL: 'warn', ...options.env } }),
		label: `n8n ${args[0]}`,
		quiet: true,
		heartbeat,
	});
}

export interface RunningN8n {
	url: string;
	process: ChildProcess;
	log: () => string;
	stop(): Promise<void>;
}

export interface StartN8nOptions {
	/** n8n's output also goes to this file (appended). */
	logFile?: string;
	/** n8n's output also goes to this terminal. */
	echoLog?: boolean;
	/** Prints a heartbeat with n8n's last log line while it starts (the first start is slow). */
	progressLabel?: string;
}

/** The last non-empty line of a log, shortened: what n8n is doing right now. */
export function lastLogLine(log: string, maxLength = 120): string | undefined {
	const lines = log.split('\n').filter((line) => line.trim());
	const last = lines.at(-1)?.trim();
	return last && last.length > maxLength ? `${last.slice(0, maxLength)}…` : last;
}

export async function startN8n(
	options: N8nInstanceOptions,
	command: string[] = ['start'],
	readyTimeoutMs = 120_000,
	startOptions: StartN8nOptions = {},
): Promise<RunningN8n> {
	const child = track(
		spawn(N8N_BIN, command, {
			cwd: options.userFolder,
			env: n8nEnv(options),
			stdio: ['ignore', 'pipe', 'pipe'],
			// Its own process group, so that stopping it also stops n8n's task runner children.
			detached: true,
		}),
	);
	let log = '';
	const logFile = startOptions.logFile
		? createWriteStream(startOptions.logFile, { flags: 'a' })
		: undefined;
	child.once('exit', () => logFile?.end());
	const collect = (chunk: Buffer) => {
		log += chunk.toString();
		if (log.length > 2_000_000) log = log.slice(-500_000);
		logFile?.write(chunk);
		if (startOptions.echoLog) process.stdout.write(chunk);
	};
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	const url = `http://127.0.0.1:${options.port}`;
	const stop = async () => await stopGroup(child);
	const started = Date.now();
	const stopHeartbeat = startOptions.progressLabel
		? startHeartbeat(startOptions.progressLabel, {
				usually: 'about 20 s, 1-2 minutes on the first start (database migrations)',
				detail: () => {
					const line = lastLogLine(log);
					return line ? `n8n: "${line}"` : undefined;
				},
			})
		: () => undefined;
	try {
		while (Date.now() - started < readyTimeoutMs) {
			if (child.exitCode !== null) {
				throw new Error(`n8n exited (code ${child.exitCode}) while starting:\n${log.slice(-3000)}`);
			}
			try {
				// /healthz answers before migrations finish; readiness waits for them.
				const response = await fetch(`${url}/healthz/readiness`);
				if (response.ok) return { url, process: child, log: () => log, stop };
			} catch {
				// Not listening yet.
			}
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	} finally {
		stopHeartbeat();
	}
	await stop();
	throw new Error(
		`n8n did not become ready within ${readyTimeoutMs / 1000} s:\n${log.slice(-3000)}`,
	);
}

/** Creates the owner account on a fresh instance; returns a session cookie either way. */
export async function ownerSession(url: string): Promise<string> {
	const setup = await fetch(`${url}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(OWNER),
	});
	const setupCookie = setup.headers.get('set-cookie');
	if (setup.ok && setupCookie) return setupCookie.split(';')[0];
	const login = await fetch(`${url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
	});
	const cookie = login.headers.get('set-cookie');
	if (!login.ok || !cookie) {
		throw new Error(
			`Could not log in as the sandbox owner: HTTP ${login.status} ${await login.text()}`,
		);
	}
	return cookie.split(';')[0];
}
