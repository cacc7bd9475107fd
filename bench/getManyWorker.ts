/**
 * One measured run of the Get Many benchmark, in a process of its own so that its peak memory is
 * its own: either the node (Get Many, Return All, through n8n's engine) or a plain paged fetch
 * loop that keeps the same items. Prints one JSON line.
 */
import { management } from '../test/harness/params';
import { runNode, TestCredentials } from '../test/harness/workflowRunner';

const [mode, baseUrl, warmupArgument] = process.argv.slice(2);
const warmups = Number(warmupArgument ?? 3);

async function plainLoop(): Promise<number> {
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
		const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
		const page = (await response.json()) as { items: unknown[]; next_page_token?: string };
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
	for (let pass = 0; pass < warmups; pass++) await (mode === 'node' ? throughNode() : plainLoop());
	(globalThis as { gc?: () => void }).gc?.();
	let peakHeap = 0;
	const sampler = setInterval(() => {
		peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
	}, 5);
	const cpuBefore = process.cpuUsage();
	const started = process.hrtime.bigint();
	const count = mode === 'node' ? await throughNode() : await plainLoop();
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
