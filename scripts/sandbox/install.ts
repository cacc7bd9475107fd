import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import {
	N8N_BIN,
	N8N_DIR,
	N8N_VERSION,
	NODE24_BIN,
	NODE24_DIR,
	NODE24_HEADERS,
	NODE_PACKAGE,
} from './paths';
import { track } from './processes';
import type { HeartbeatOptions } from './progress';
import { startHeartbeat } from './progress';

/** Runs a command, its output shown with a prefix, and fails with the command named. */
export function run(
	command: string,
	args: string[],
	options: {
		cwd: string;
		env?: NodeJS.ProcessEnv;
		label: string;
		quiet?: boolean;
		/** Instead of every line, a count of packages fetched so far (npm --loglevel=http). */
		progress?: boolean;
		/** Prints progress every ~10 s while the command runs (its silent stretches look like a hang). */
		heartbeat?: HeartbeatOptions;
	},
): Promise<string> {
	return new Promise((resolve, reject) => {
		const child = track(
			spawn(command, args, {
				cwd: options.cwd,
				env: options.env ?? cleanEnv(),
				stdio: ['ignore', 'pipe', 'pipe'],
				// A group of its own: a stop ends npm's script shells and compilers with it.
				detached: true,
			}),
		);
		let output = '';
		let fetched = 0;
		const stopHeartbeat = options.heartbeat
			? startHeartbeat(options.label, {
					...options.heartbeat,
					detail: options.progress ? () => `${fetched} packages downloaded` : undefined,
				})
			: () => undefined;
		const forward = (chunk: Buffer) => {
			output += chunk.toString();
			if (output.length > 1_000_000) output = output.slice(-100_000);
			if (options.quiet) return;
			if (options.progress) {
				fetched += (chunk.toString().match(/http fetch GET 200/g) ?? []).length;
				return;
			}
			for (const line of chunk.toString().split('\n')) {
				if (line.trim()) process.stdout.write(`  [${options.label}] ${line}\n`);
			}
		};
		child.stdout.on('data', forward);
		child.stderr.on('data', forward);
		child.on('error', (error) => {
			stopHeartbeat();
			reject(error);
		});
		child.on('close', (code) => {
			stopHeartbeat();
			if (code === 0) resolve(output);
			else
				reject(
					new Error(
						`${options.label}: "${command} ${args.join(' ')}" failed (exit ${code})\n${output.slice(-2000)}`,
					),
				);
		});
	});
}

/**
 * The environment without what an outer `npm run` exports (npm_config_*, npm_node_execpath,
 * NODE, …): inherited, those would apply this repo's `ignore-scripts` to installs elsewhere and
 * make node-gyp build against the Node that runs npm instead of Node 24.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(name) || name === 'NODE' || name === 'INIT_CWD') continue;
		env[name] = value;
	}
	return { ...env, ...extra };
}

/** Node 24 first on PATH: n8n 2.36+ refuses to start on older Node. */
export function node24Env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
	return cleanEnv({ PATH: `${NODE24_BIN}${path.delimiter}${process.env.PATH}`, ...extra });
}

const MARKER = '.installed';

async function ensureNode24(): Promise<void> {
	if (existsSync(path.join(NODE24_DIR, MARKER))) return;
	console.log(`Installing ${NODE_PACKAGE} (n8n needs Node >= 24) into ${NODE24_DIR} …`);
	mkdirSync(NODE24_DIR, { recursive: true });
	writeFileSync(path.join(NODE24_DIR, 'package.json'), '{ "private": true }\n');
	// Its install script fetches nothing: it links the platform package shipped in the registry.
	await run('npm', ['install', NODE_PACKAGE, '--no-audit', '--no-fund', '--no-save'], {
		cwd: NODE24_DIR,
		env: cleanEnv(),
		label: 'node24',
		heartbeat: { usually: 'about 30 s', folder: NODE24_DIR },
	});
	if (!existsSync(path.join(NODE24_HEADERS, 'include'))) {
		throw new Error(`${NODE_PACKAGE} installed without its headers at ${NODE24_HEADERS}`);
	}
	writeFileSync(path.join(NODE24_DIR, MARKER), `${NODE_PACKAGE}\n`);
}

/**
 * n8n from the npm registry, the way that works on these machines: install scripts off (a Kafka
 * module's script wants a download from GitHub), then sqlite3 rebuilt against Node 24's headers.
 */
async function ensureN8n(): Promise<void> {
	if (existsSync(path.join(N8N_DIR, MARKER)) && existsSync(N8N_BIN)) return;
	console.log(
		`Installing n8n ${N8N_VERSION} into ${N8N_DIR} (once per machine: 4 to 10 minutes, 3 GB; progress every 10 s; most of the first minutes are downloads, then the folder grows) …`,
	);
	mkdirSync(N8N_DIR, { recursive: true });
	writeFileSync(path.join(N8N_DIR, 'package.json'), '{ "private": true }\n');
	const env = node24Env();
	await run(
		'npm',
		[
			'install',
			`n8n@${N8N_VERSION}`,
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--loglevel=http',
		],
		{
			cwd: N8N_DIR,
			env,
			label: 'n8n install',
			progress: true,
			// Downloads first, then a long silent extract into node_modules: its size shows progress.
			heartbeat: { usually: '4-10 minutes, ~3 GB in the end', folder: N8N_DIR },
		},
	);
	console.log("Compiling n8n's SQLite driver for Node 24 (npm rebuild sqlite3) …");
	await run('npm', ['rebuild', 'sqlite3'], {
		cwd: N8N_DIR,
		env: node24Env({ npm_config_nodedir: NODE24_HEADERS }),
		label: 'sqlite3',
		heartbeat: { usually: '1-2 minutes' },
	});
	writeFileSync(path.join(N8N_DIR, MARKER), `n8n@${N8N_VERSION}\n`);
}

export async function ensureN8nInstalled(): Promise<void> {
	await ensureNode24();
	await ensureN8n();
}
