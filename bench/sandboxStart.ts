/**
 * How long `npm start` takes to its banner, and to stop, on this machine:
 *
 *   npm run bench:start -- [--warm 2]
 *
 * Runs `npm start` as a user does, in a sandbox folder of its own (INVERS_SANDBOX_DIR, removed at
 * the end) with n8n from the cache (`npm start` installs it first when it is missing, which the
 * first round then includes, and says so): one start of a new sandbox (n8n creates its database),
 * then `--warm` restarts of it. A first start on a fresh machine, download included:
 * `HOME=$(mktemp -d) npm run bench:start -- --warm 1` (an empty npm cache and n8n cache; the
 * sandbox's installs ignore npm_config_* from the outer npm, so a HOME of its own is what empties
 * the npm cache). Each round is timed from the command to the banner, then stopped with SIGINT to
 * npm alone and timed until every process it started has ended. The load average is printed with
 * each round: on a shared machine it explains most of the spread.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { alive, descendants } from '../scripts/processTree';
import { freePort } from '../scripts/sandbox/ports';
import { N8N_BIN, REPO_ROOT } from '../scripts/sandbox/paths';

const BANNER = 'n8n with the INVERS nodes is running.';

function argument(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Round {
	label: string;
	toBannerS: number;
	toStoppedS: number;
	load: string;
}

async function round(label: string, sandboxDir: string): Promise<Round> {
	const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
	const env = { ...process.env, INVERS_SANDBOX_DIR: sandboxDir };
	const started = Date.now();
	const npm: ChildProcess = spawn(
		'npm',
		[
			'start',
			'--',
			'--n8n-port',
			String(ports[0]),
			'--simulator-port',
			String(ports[1]),
			'--runner-port',
			String(ports[2]),
			'--alert-port',
			String(ports[3]),
		],
		{ cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	let output = '';
	npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
	while (!output.includes(BANNER)) {
		if (npm.exitCode !== null) throw new Error(`npm start ended early:\n${output.slice(-3000)}`);
		await sleep(100);
	}
	const toBannerS = (Date.now() - started) / 1000;
	const load = os
		.loadavg()
		.map((value) => value.toFixed(1))
		.join(' ');
	const family = [npm.pid!, ...descendants(npm.pid!)];
	const stopping = Date.now();
	process.kill(npm.pid!, 'SIGINT');
	while (family.some(alive)) await sleep(100);
	return { label, toBannerS, toStoppedS: (Date.now() - stopping) / 1000, load };
}

async function main() {
	const warm = argument('warm', 2);
	const sandboxDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'invers-bench-start-')), 'user');
	const rounds: Round[] = [];
	try {
		const installs = !existsSync(N8N_BIN);
		rounds.push(
			await round(
				installs ? 'new sandbox, installs n8n' : 'new sandbox (n8n installed)',
				sandboxDir,
			),
		);
		for (let index = 1; index <= warm; index++) {
			rounds.push(await round(`restart ${index}`, sandboxDir));
		}
	} finally {
		rmSync(path.dirname(sandboxDir), { recursive: true, force: true });
	}
	process.stdout.write(
		`\nnpm start on ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}):\n`,
	);
	process.stdout.write(
		`  ${'round'.padEnd(28)}${'to banner'.padStart(11)}${'to stopped'.padStart(12)}   load average at banner\n`,
	);
	for (const entry of rounds) {
		process.stdout.write(
			`  ${entry.label.padEnd(28)}${`${entry.toBannerS.toFixed(1)} s`.padStart(11)}${`${entry.toStoppedS.toFixed(1)} s`.padStart(12)}   ${entry.load}\n`,
		);
	}
}

main().catch((error) => {
	process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
	process.exit(1);
});
