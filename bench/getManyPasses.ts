/**
 * The passes the Get Many benchmarks compare: all of a simulated fleet through the node (Get Many,
 * Return All, in n8n's engine), or through a plain paged loop that keeps the same items.
 */
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';

import { management } from '../test/harness/params';
import { runNode, TestCredentials } from '../test/harness/workflowRunner';

export type PageFetch = (url: URL, token: string) => Promise<unknown>;

/** fetch: one kept-alive connection for all pages. */
export const fetchPage: PageFetch = async (url, token) =>
	await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).json();

/** node:http without an agent: a new connection per page, as n8n's request helper opens them. */
export const freshConnectionPage: PageFetch = async (url, token) =>
	await new Promise((resolve, reject) => {
		http
			.get(url, { agent: false, headers: { Authorization: `Bearer ${token}` } }, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('error', reject);
				response.on('end', () => {
					try {
						resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
					} catch (error) {
						reject(error);
					}
				});
			})
			.on('error', reject);
	});

/** A plain loop: a token, then every page, keeping the items. Returns how many. */
export async function plainLoop(baseUrl: string, getPage: PageFetch): Promise<number> {
	const basic = Buffer.from('demo#client:demo-secret').toString('base64');
	const tokenResponse = await fetch(`${baseUrl}/auth/oauth/token?grant_type=client_credentials`, {
		method: 'POST',
		headers: { Authorization: `Basic ${basic}` },
	});
	const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
	const items: unknown[] = [];
	let pageToken: string | undefined;
	do {
		const url = new URL(`${baseUrl}/vehicles`);
		url.searchParams.set('limit', '100');
		if (pageToken) url.searchParams.set('page_token', pageToken);
		const page = (await getPage(url, token)) as { items: unknown[]; next_page_token?: string };
		for (const item of page.items) items.push(item);
		pageToken = page.next_page_token ?? undefined;
	} while (pageToken);
	return items.length;
}

/** The node: Get Many with Return All, run by n8n's engine. Returns how many items it output. */
export async function throughNode(baseUrl: string): Promise<number> {
	const credentials = new TestCredentials({
		baseUrl,
		clientId: 'demo#client',
		clientSecret: 'demo-secret',
	});
	const { items, error } = await runNode({
		node: 'inversVehicleManagement',
		parameters: management('getMany', { returnAll: true }),
		credentials,
	});
	if (error) throw error;
	return items.length;
}

/** What one measuring process (bench/getManyWorker.ts) prints. */
export interface Measurement {
	mode: string;
	items: number;
	ms: number;
	/** CPU time of the measuring process (user + system): steadier than wall time on a busy machine. */
	cpuMs: number;
	peakHeapMB: number;
	maxRssMB: number;
}

export type WorkerMode = 'node' | 'plain' | 'plain-fresh';

/**
 * One measured pass in a process of its own (so its peak memory is its own), on the given
 * Node.js binary, after `warmups` unmeasured passes. Asynchronous: the simulator usually lives in
 * the calling process and must keep answering meanwhile.
 */
export async function measureInWorker(
	node: string,
	mode: WorkerMode,
	url: string,
	warmups: number | string,
): Promise<Measurement> {
	const { stdout } = await promisify(execFile)(
		node,
		[
			'--expose-gc',
			'-r',
			'ts-node/register',
			path.join(__dirname, 'getManyWorker.ts'),
			mode,
			url,
			String(warmups),
		],
		{
			encoding: 'utf8',
			env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PREFER_TS_EXTS: 'true' },
		},
	);
	return JSON.parse(stdout.trim().split('\n').pop()!) as Measurement;
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
