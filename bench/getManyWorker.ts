/**
 * One measured run of the Get Many benchmark, in a process of its own so that its peak memory is
 * its own: the node (Get Many, Return All, through n8n's engine), a plain paged fetch loop that
 * keeps the same items (`plain`), or the same loop opening a new connection per page as n8n's
 * request helper does (`plain-fresh`, a reference). Prints one JSON line.
 */
import { fetchPage, freshConnectionPage, plainLoop, throughNode } from './getManyPasses';

const [mode, baseUrl, warmupArgument] = process.argv.slice(2);
const warmups = Number(warmupArgument ?? 3);

async function main() {
	// Warm up with whole passes first (module loading, JIT, n8n's lazy initialisation): a running
	// n8n has run these code paths many times, and one pass of a few hundred requests leaves much
	// of n8n's and axios' code not yet optimised. Then collect garbage, so the measured pass starts
	// from the same floor.
	const once = () =>
		mode === 'node'
			? throughNode(baseUrl)
			: plainLoop(baseUrl, mode === 'plain-fresh' ? freshConnectionPage : fetchPage);
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
