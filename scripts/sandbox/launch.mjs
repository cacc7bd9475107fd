#!/usr/bin/env node
// `npm start` runs this with `exec`, so npm's own process is this process's parent with no shell
// between them: the SIGINT and SIGTERM that npm passes on to its script (an IDE's stop button, a
// process manager, `kill -INT` on npm) reach the sandbox, which stops everything it started. A
// shell in between would keep them: dash waits out SIGINT and dies of SIGTERM alone, leaving its
// children running.
//
// One process from the first step to the last: the dependency check (scripts/dependencies.mjs,
// which may run `npm ci` on a fresh clone) runs as a child that a stop ends too, then the sandbox
// (start.ts) runs in this process through ts-node, once the dependencies are there.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function checkDependencies() {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [path.join(here, '..', 'dependencies.mjs')], {
			stdio: 'inherit',
			// A group of its own, stopped as one: npm ci and whatever it runs.
			detached: true,
		});
		let stopped = false;
		const stop = () => {
			stopped = true;
			try {
				process.kill(-child.pid, 'SIGTERM');
			} catch {
				// Already gone.
			}
		};
		for (const signal of STOP_SIGNALS) process.on(signal, stop);
		const parent = process.ppid;
		const watch = setInterval(() => {
			if (process.ppid !== parent) stop();
		}, 500);
		child.on('exit', (code) => {
			clearInterval(watch);
			for (const signal of STOP_SIGNALS) process.off(signal, stop);
			resolve(stopped ? 'stopped' : code === 0 ? 'ready' : 'failed');
		});
	});
}

const outcome = await checkDependencies();
if (outcome === 'stopped') process.exit(0);
if (outcome === 'failed') process.exit(1);

// As scripts/run-ts.sh: ts-node without type checks, preferring .ts files (tsx would resolve
// `X.node` imports to the codex file `X.node.json`).
process.env.TS_NODE_TRANSPILE_ONLY = 'true';
process.env.TS_NODE_PREFER_TS_EXTS = 'true';
const require = createRequire(import.meta.url);
require('ts-node/register');
require('./start.ts');
