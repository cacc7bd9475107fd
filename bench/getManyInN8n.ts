/**
 * Get Many with Return All in a real, running n8n (the pinned version, the package installed as a
 * community package, the credential stored encrypted in n8n's database) versus a plain paged fetch
 * loop, side by side in one run:
 *
 *   npm run bench:n8n -- [--fleet 20000] [--rounds 5] [--warmups 3] [--latency-ms 0]
 *
 * n8n runs `Webhook → INVERS Vehicle Management (Get Many, Return All)`; the webhook answers when
 * the workflow has finished and the workflow keeps no execution data, so a call times one whole
 * execution: n8n's webhook and engine, the node, and n8n loading the credential for it. A second
 * workflow fetches one vehicle the same way: its time is n8n's fixed cost per execution. The plain
 * loop runs in a process of its own after the same warm-up passes (bench/getManyWorker.ts). The
 * first calls warm n8n up, as a running n8n is warm. Prints the median of the rounds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { sandboxCredential } from '../scripts/sandbox/credential';
import { ensureN8nInstalled } from '../scripts/sandbox/install';
import type { N8nInstanceOptions } from '../scripts/sandbox/n8nInstance';
import { installPackage, n8nCli, startN8n } from '../scripts/sandbox/n8nInstance';
import { NODE24_BIN } from '../scripts/sandbox/paths';
import { freePort } from '../scripts/sandbox/ports';
import { startSimulator } from '../simulator';
import type { Simulator } from '../simulator';
import type { ChainNode } from '../test/e2e/linearWorkflow';
import { benchWorkflow, getMany, httpRequestChain } from './getManyWorkflows';
import { management } from '../test/harness/params';
import { measureInWorker, median } from './getManyPasses';

function argument(name: string, fallback: number, minimum = 1): number {
	const index = process.argv.indexOf(`--${name}`);
	const value = index > 0 ? Number(process.argv[index + 1]) : fallback;
	if (!Number.isInteger(value) || value < minimum) {
		throw new Error(`--${name} must be an integer of at least ${minimum}`);
	}
	return value;
}

const FLEET = argument('fleet', 20_000);
const ROUNDS = argument('rounds', 5);
const WARMUPS = argument('warmups', 3);
/** Added to every page, standing in for the network to INVERS (0: bare loopback). */
const LATENCY_MS = argument('latency-ms', 0, 0);

/** n8n runs on Node 24: the plain loop is timed on the same runtime (and on this one, for reference). */
const NODE24 = path.join(NODE24_BIN, 'node');

/** Token requests n8n made (the plain loop's own are not counted). */
let n8nTokenRequests = 0;

/** Calls a webhook; its time, or undefined for 404 (not registered yet) when that is allowed. */
async function timedCall(url: string, sim?: Simulator, must = true): Promise<number | undefined> {
	const tokensBefore = sim?.stats.tokenRequests ?? 0;
	const started = process.hrtime.bigint();
	const response = await fetch(url);
	await response.arrayBuffer();
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	if (sim) n8nTokenRequests += sim.stats.tokenRequests - tokensBefore;
	if (response.status === 404 && !must) return undefined;
	if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
	return ms;
}

/** n8n answers ready before it has registered the webhooks of published workflows. */
async function webhooksRegistered(url: string, sim: Simulator): Promise<void> {
	const started = Date.now();
	while ((await timedCall(url, sim, false)) === undefined) {
		if (Date.now() - started > 60_000) throw new Error(`n8n did not register ${url} within 60 s`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

/** The plain loop in a process of its own, on the given Node.js binary. */
async function plainLoopMs(node: string, simulatorUrl: string): Promise<number> {
	const result = await measureInWorker(node, 'plain', simulatorUrl, WARMUPS);
	if (result.items !== FLEET) throw new Error(`the plain loop returned ${result.items} items`);
	return result.ms;
}

/** A contender in n8n: a workflow called through its webhook. */
interface InN8n {
	label: string;
	path: string;
	chain: ChainNode[];
	/** Timings of the measured rounds. */
	ms: number[];
}

function row(label: string, ms: number, reference?: number): string {
	const ratio = reference ? `${(ms / reference).toFixed(2)}x` : '';
	return `${label.padEnd(62)} ${ms.toFixed(0).padStart(6)} ms  ${ratio.padStart(6)}`;
}

async function main() {
	await ensureN8nInstalled();
	const userFolder = mkdtempSync(path.join(os.tmpdir(), 'invers-bench-n8n-'));
	const sim = await startSimulator({ fleetSize: FLEET, port: 0 });
	if (LATENCY_MS) {
		sim.faults.add({
			kind: 'slow',
			method: 'GET',
			path: '^/vehicles$',
			delayMs: LATENCY_MS,
			times: 1e9,
		});
	}
	const instance: N8nInstanceOptions = {
		userFolder,
		port: await freePort(),
		runnerBrokerPort: await freePort(),
		env: { NODE_ENV: 'production', N8N_LOG_LEVEL: 'warn' },
	};
	const node: InN8n = {
		label: 'INVERS Vehicle Management, Get Many, Return All',
		path: 'bench-get-many-all',
		chain: [getMany(management('getMany', { returnAll: true }))],
		ms: [],
	};
	const fixedCost: InN8n = {
		label: "the same fetching 1 vehicle (n8n's fixed cost)",
		path: 'bench-get-many-one',
		chain: [getMany(management('getMany', { returnAll: false, limit: 1 }))],
		ms: [],
	};
	const httpRequest: InN8n = {
		label: 'HTTP Request with pagination, then Split Out',
		path: 'bench-http-request',
		chain: httpRequestChain(sim.url, 100),
		ms: [],
	};
	const contenders = [node, fixedCost, httpRequest];
	const plain24: number[] = [];
	const plainHere: number[] = [];
	let n8n: Awaited<ReturnType<typeof startN8n>> | undefined;
	try {
		await installPackage(userFolder);
		const credentialsFile = path.join(userFolder, 'credentials.json');
		writeFileSync(credentialsFile, JSON.stringify([sandboxCredential(sim.url)]));
		await n8nCli(instance, ['import:credentials', `--input=${credentialsFile}`]);
		for (const [index, contender] of contenders.entries()) {
			const workflow = benchWorkflow(`inversBench0${index}`, contender.path, contender.chain);
			const file = path.join(userFolder, `${workflow.id}.json`);
			writeFileSync(file, JSON.stringify(workflow));
			await n8nCli(instance, ['import:workflow', `--input=${file}`]);
			await n8nCli(instance, ['publish:workflow', `--id=${workflow.id}`]);
		}
		n8n = await startN8n(instance);
		const url = (contender: InN8n) => `${n8n!.url}/webhook/${contender.path}`;
		await webhooksRegistered(url(fixedCost), sim);

		// Each workflow in a block of its own: an execution leaves garbage (its 20,000 items) that
		// the next execution collects, so mixing workflows would bill one for another's garbage. A
		// running n8n is warm: each block starts with executions that are not counted.
		for (const contender of contenders) {
			for (let pass = 0; pass < WARMUPS; pass++) await timedCall(url(contender), sim);
			for (let round = 0; round < ROUNDS; round++) {
				if (contender === node) {
					// One thing at a time: the plain loop's process runs while n8n idles.
					plain24.push(await plainLoopMs(NODE24, sim.url));
					plainHere.push(await plainLoopMs(process.execPath, sim.url));
				}
				contender.ms.push((await timedCall(url(contender), sim))!);
			}
		}
	} finally {
		await n8n?.stop();
		await sim.close();
		rmSync(userFolder, { recursive: true, force: true });
	}

	const reference = median(plain24);
	console.log(
		`\n## Get Many, Return All, ${FLEET} vehicles, in a running n8n (webhook call to answer) vs a plain paged fetch loop, ${LATENCY_MS ? `${LATENCY_MS} ms added per page` : 'loopback'}`,
	);
	console.log(
		`median of ${ROUNDS} rounds after ${WARMUPS} warm-up passes on each side; ratios to the plain loop on Node 24, n8n's runtime\n`,
	);
	console.log(row('plain fetch loop, Node 24 (as n8n)', reference, reference));
	console.log(row(`plain fetch loop, Node ${process.versions.node}`, median(plainHere), reference));
	for (const contender of contenders) {
		console.log(row(`n8n: ${contender.label}`, median(contender.ms), reference));
	}
	const ownTime = median(node.ms) - median(fixedCost.ms);
	console.log(row('n8n: Get Many minus the fixed cost', ownTime, reference));
	console.log('\nrounds (ms):');
	console.log(`  plain, Node 24: ${plain24.map((ms) => ms.toFixed(0)).join(' ')}`);
	for (const contender of contenders) {
		console.log(`  ${contender.path}: ${contender.ms.map((ms) => ms.toFixed(0)).join(' ')}`);
	}
	console.log(
		`token requests by n8n: ${n8nTokenRequests} in ${contenders.length * (WARMUPS + ROUNDS) + 1} executions`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
