#!/usr/bin/env node
// Run first by `npm test` and `npm start`: installs the dependencies from the lock file when they
// are missing or older than package-lock.json, so that both work as the first command on a fresh
// clone (without it: "jest: not found"). Plain Node, no dependencies: nothing is installed yet.
//
// The stamp is npm's own: `npm ci` writes node_modules/.package-lock.json as the last step of a
// completed install. A stamp at least as new as package-lock.json means the install matches the
// lock file; CI's own `npm ci` therefore counts, and `npm test` after it installs nothing again.
// An interrupted install leaves no stamp and is redone.

import { execFileSync, spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lockFile = path.join(repoRoot, 'package-lock.json');
const stampFile = path.join(repoRoot, 'node_modules', '.package-lock.json');

function modifiedAt(file) {
	try {
		return statSync(file).mtimeMs;
	} catch {
		return undefined;
	}
}

/** Why the dependencies need installing, or undefined when they are current. */
function installReason(lockMtime, stampMtime) {
	if (stampMtime === undefined) return 'node_modules is missing or incomplete';
	if (lockMtime !== undefined && stampMtime < lockMtime) {
		return 'package-lock.json changed since the last install';
	}
	return undefined;
}

const reason = installReason(modifiedAt(lockFile), modifiedAt(stampFile));
if (reason) {
	console.log(`Installing the dependencies from package-lock.json (${reason}; about 1 minute) …`);
	// EBADENGINE warnings on Node < 24 concern n8n's own dependencies (isolated-vm): unused here.
	const child = spawn('npm', ['ci', '--no-audit', '--no-fund'], {
		cwd: repoRoot,
		stdio: 'inherit',
	});
	// npm ci prints nothing until it is done: a heartbeat shows it is working.
	const started = Date.now();
	const heartbeat = setInterval(() => {
		const seconds = Math.round((Date.now() - started) / 1000);
		console.log(`  [npm ci] still working: ${seconds}s elapsed, ${sizeMb()} on disk`);
	}, 10_000);
	child.on('exit', (code, signal) => {
		clearInterval(heartbeat);
		if (code !== 0) {
			console.error(`npm ci failed (${signal ?? `exit ${code}`}): see its output above`);
			process.exit(1);
		}
	});
	child.on('error', (error) => {
		clearInterval(heartbeat);
		console.error(`npm ci could not start: ${error.message}`);
		process.exit(1);
	});
}

function sizeMb() {
	try {
		const out = execFileSync('du', ['-sm', path.join(repoRoot, 'node_modules')], {
			encoding: 'utf8',
			timeout: 5_000,
			stdio: ['ignore', 'pipe', 'ignore'],
		});
		return `${Number.parseInt(out, 10)} MB`;
	} catch {
		return 'unknown MB';
	}
}
