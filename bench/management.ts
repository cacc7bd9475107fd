/**
 * Benchmark of the Vehicle Management node against the simulator, side by side in one run:
 *
 *   npm run bench:management -- [--fleets 5000,20000] [--repeat 9] [--latency-ms 20] [--warmups 3]
 *     [--fresh-connections] [--node24]
 *
 * 1. Get Many with Return All through the node (n8n's engine) versus a plain paged fetch loop:
 *    wall time and peak memory of each, per fleet size. Each measurement runs in its own process.
 *    Once on bare loopback, once with a delay per page standing in for the network: the node's
 *    extra work per request (in n8n's request helper) is a fixed cost that loopback magnifies.
 *    Each process first makes `--warmups` whole passes (both sides alike), as a running n8n is
 *    warm; `--warmups 1` shows a process that has run the path only once before.
 * 2. Token requests per 1,000 API calls, and with a short token lifetime, per token lifetime.
 * Targets: node time within 1.2x of the plain loop; node memory minus plain memory does not grow
 * with the fleet; one token request per token lifetime.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { NODE24_BIN } from '../scripts/sandbox/paths';
import { startSimulator } from '../simulator';
import { management } from '../test/harness/params';
import type { Measurement, WorkerMode } from './getManyPasses';
import { measureInWorker, median } from './getManyPasses';
import { runNode, TestCredentials } from '../test/harness/workflowRunner';

function argument(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 ? process.argv[index + 1] : fallback;
}

const WARMUPS = argument('warmups', '3');

type Side = WorkerMode;

/**
 * `--fresh-connections`: also measure the plain loop opening a new connection per page, as n8n's
 * request helper does (it builds a new agent per request, so no connection is kept alive). It
 * separates that connection policy from the rest of the node's extra time (on loopback it costs
 * the plain loop nothing noticeable).
 */
const FRESH_CONNECTIONS = process.argv.includes('--fresh-connections');

/**
 * `--node24`: the measuring processes (both sides) run on Node 24, the runtime n8n itself needs,
 * from the cache folder `npm start` fills; by default they run on this process's Node.
 */
const WORKER_NODE = process.argv.includes('--node24')
	? path.join(NODE24_BIN, 'node')
	: process.execPath;

function measure(mode: Side, url: string): Promise<Measurement> {
	return measureInWorker(WORKER_NODE, mode, url, WARMUPS);
}

async function getManyComparison(fleets: number[], repeat: number, latencyMs: number) {
	console.log(
		'\n## Get Many, Return All: node vs plain paged fetch loop (median of %d runs after %s warm-up passes each, %s, %s)',
		repeat,
		WARMUPS,
		WORKER_NODE === process.execPath ? `Node ${process.versions.node}` : 'Node 24',
		latencyMs
			? `${latencyMs} ms added latency per page, as over a network`
			: 'loopback, no added latency',
	);
	console.log(
		'fleet   | plain ms | node ms | ratio | plain CPU ms | node CPU ms | CPU ratio | plain heap MB | node heap MB | heap diff MB | plain RSS MB | node RSS MB',
	);
	for (const fleetSize of fleets) {
		const sim = await startSimulator({ fleetSize, port: 0 });
		if (latencyMs) {
			sim.faults.add({
				kind: 'slow',
				method: 'GET',
				path: '^/vehicles$',
				delayMs: latencyMs,
				times: 1e9,
			});
		}
		try {
			const runs: Record<Side, Measurement[]> = { plain: [], node: [], 'plain-fresh': [] };
			const sides: Side[] = FRESH_CONNECTIONS
				? ['plain', 'node', 'plain-fresh']
				: ['plain', 'node'];
			for (let i = 0; i < repeat; i++) {
				// Rotate the order so no side always runs on a warmer simulator.
				for (const mode of sides.map((_, k) => sides[(i + k) % sides.length])) {
					const result = await measure(mode, sim.url);
					if (result.items !== fleetSize) throw new Error(`${mode} returned ${result.items} items`);
					runs[mode].push(result);
				}
			}
			const stat = (mode: Side, key: keyof Measurement) =>
				median(runs[mode].map((run) => run[key] as number));
			const plainMs = stat('plain', 'ms');
			const nodeMs = stat('node', 'ms');
			console.log(
				[
					String(fleetSize).padEnd(7),
					plainMs.toFixed(0).padStart(8),
					nodeMs.toFixed(0).padStart(7),
					(nodeMs / plainMs).toFixed(2).padStart(5),
					stat('plain', 'cpuMs').toFixed(0).padStart(12),
					stat('node', 'cpuMs').toFixed(0).padStart(11),
					(stat('node', 'cpuMs') / stat('plain', 'cpuMs')).toFixed(2).padStart(9),
					stat('plain', 'peakHeapMB').toFixed(1).padStart(13),
					stat('node', 'peakHeapMB').toFixed(1).padStart(12),
					(stat('node', 'peakHeapMB') - stat('plain', 'peakHeapMB')).toFixed(1).padStart(12),
					stat('plain', 'maxRssMB').toFixed(0).padStart(12),
					stat('node', 'maxRssMB').toFixed(0).padStart(11),
				].join(' | '),
			);
			if (FRESH_CONNECTIONS) {
				const freshMs = stat('plain-fresh', 'ms');
				console.log(
					`        reference: plain loop with a new connection per page ${freshMs.toFixed(0)} ms (CPU ${stat('plain-fresh', 'cpuMs').toFixed(0)} ms); node / it = ${(nodeMs / freshMs).toFixed(2)}`,
				);
			}
		} finally {
			await sim.close();
		}
	}
}

async function tokenRequests() {
	console.log('\n## Token requests');
	const sim = await startSimulator({ fleetSize: 100, port: 0 });
	try {
		const credentials = new TestCredentials({
			baseUrl: sim.url,
			clientId: 'demo#client',
			clientSecret: 'demo-secret',
		});
		const ids = sim.vehicleIds();
		const callsPerRun = 100;
		const before = sim.stats.tokenRequests;
		for (let run = 0; run < 10; run++) {
			const { error } = await runNode({
				node: 'inversVehicleManagement',
				parameters: management('get', {
					vehicle: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				}),
				credentials,
				items: Array.from({ length: callsPerRun }, (_, i) => ({ id: ids[i % ids.length] })),
			});
			if (error) throw error;
		}
		console.log(
			'1,000 Get calls in 10 executions (token lifetime 900 s): %d token request(s)',
			sim.stats.tokenRequests - before,
		);

		// A short lifetime shows renewal: the token is fetched once per lifetime, not per call.
		sim.config.tokenTtlSeconds = 2;
		sim.expireTokens();
		const shortBefore = sim.stats.tokenRequests;
		const started = Date.now();
		let calls = 0;
		while (Date.now() - started < 7000) {
			const { error } = await runNode({
				node: 'inversVehicleManagement',
				parameters: management('get', { vehicle: { __rl: true, mode: 'id', value: ids[0] } }),
				credentials,
			});
			if (error) throw error;
			calls++;
		}
		const seconds = (Date.now() - started) / 1000;
		console.log(
			'%d Get calls over %s s with a 2 s token lifetime: %d token request(s) (lifetimes spanned: %d)',
			calls,
			seconds.toFixed(1),
			sim.stats.tokenRequests - shortBefore,
			Math.ceil(seconds / 2),
		);
	} finally {
		await sim.close();
	}
}

async function main() {
	if (!existsSync(WORKER_NODE)) {
		throw new Error(
			`${WORKER_NODE} is missing: \`npm start\` (or \`npm run bench:n8n\`) installs Node 24 first`,
		);
	}
	const fleets = argument('fleets', '5000,20000').split(',').map(Number);
	const repeat = Number(argument('repeat', '9'));
	await getManyComparison(fleets, repeat, 0);
	const latencyMs = Number(argument('latency-ms', '20'));
	// `--latency-ms 0`: loopback only.
	if (latencyMs > 0) await getManyComparison(fleets, repeat, latencyMs);
	await tokenRequests();
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
