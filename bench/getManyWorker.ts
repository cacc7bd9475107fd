/**
 * One measured run of the Get Many benchmark, in a process of its own so that its peak memory is
 * its own: the node (Get Many, Return All, through n8n's engine), a plain paged fetch loop that
 * keeps the same items (`plain`), or the same loop opening a new connection per page as n8n's
 * request helper does (`plain-fresh`, a reference). Prints one JSON line.
 */
import http from 'node:http';

import { management } from '../test/harness/params';
import { runNode, TestCredentials } from '../test/harness/workflowRunner';

const [mode, baseUrl, warmupArgument] = process.argv.slice(2);
const warmups = Number(warmupArgument ?? 3);

type PageFetch = (url: URL, token: string) => Promise<unknown>;

/** fetch: one kept-alive connection for all pages. */
const fetchPage: PageFetch = async (url, token) =>
	await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).json();

/** node:http without an agent: a new connection per page, as n8n's request helper opens them. */
const freshConnectionPage: PageFetch = async (url, token) =>
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

async function plainLoop(getPage: PageFetch): Promise<number> {
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

async function throughNode(): Promise<number> {
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

async function main() {
	// Warm up with whole passes first (module loading, JIT, n8n's lazy initialisation): a running
	// n8n has run these code paths many times, and one pass of a few hundred requests leaves much
	// of n8n's and axios' code not yet optimised. Then collect garbage, so the measured pass starts
	// from the same floor.
	const once = () =>
		mode === 'node'
			? throughNode()
			: plainLoop(mode === 'plain-fresh' ? freshConnectionPage : fetchPage);
	for (let pass = 0; pass < warmups; pass++) await once();
	(globalThis as { gc?: () => void }).gc?.();
	let peakHeap = 0;
	const sampler = setInterval(() => {
		peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
	}, 5);
	const cpuBefore = process.cpuUsage();
	const started = process.hrtime.bigint();
	const count = await once();
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	const cpu = process.cpuUsage(cpuBefore);
	clearInterval(sampler);
	peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
	console.log(
		JSON.stringify({
			mode,
			items: count,
			ms,
			cpuMs: (cpu.user + cpu.system) / 1000,
			peakHeapMB: peakHeap / 2 ** 20,
			maxRssMB: process.resourceUsage().maxRSS / 1024,
		}),
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
