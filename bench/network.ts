/**
 * Get Many over a real network, side by side in one run: TLS to the API at a round-trip time of
 * 0, 20 and 50 ms, for
 * - the package's Get Many (Return All) in a running n8n (the pinned version, the package
 *   installed as a community package, the credential in n8n's database, its token stored);
 * - what operators build today: n8n's HTTP Request node with pagination, then Split Out;
 * - the floor: a plain https loop with one kept-alive connection, in a process of its own on
 *   n8n's Node.js, at the package's page size and at the HTTP Request's;
 * - n8n's fixed cost per execution: the same Get Many workflow fetching one vehicle.
 *
 *   npm run bench:network -- [--fleet 2000] [--rounds 5] [--warmups 1] [--rtt 0,20,50]
 *                            [--page-max 1000] [--compression gzip|none]
 *
 * The network: n8n → a delaying TCP relay (each direction held half the round trip, a new
 * connection's first bytes one round trip more, for the TCP handshake) → a TLS relay with a
 * certificate made at run time (n8n trusts its CA through NODE_EXTRA_CA_CERTS) → the simulator.
 * The relays count TCP connections and TLS handshakes; the simulator counts pages. Every timed
 * call starts cold: the relay drops the open connections first, as a server does after a pause.
 * Rounds are interleaved (each round runs every contender once); medians are printed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { TOKEN_PATH } from '../nodes/shared/contract';
import { sandboxCredential } from '../scripts/sandbox/credential';
import { ensureN8nInstalled } from '../scripts/sandbox/install';
import type { N8nInstanceOptions } from '../scripts/sandbox/n8nInstance';
import { installPackage, n8nCli, startN8n } from '../scripts/sandbox/n8nInstance';
import { NODE24_BIN } from '../scripts/sandbox/paths';
import { freePort } from '../scripts/sandbox/ports';
import { startSimulator } from '../simulator';
import { benchWorkflow, getMany, httpRequestChain } from './getManyWorkflows';
import { makeCertificates } from '../test/harness/certificates';
import { management } from '../test/harness/params';
import { startRelay } from '../test/harness/relay';
import { median } from './getManyPasses';

function option(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 ? process.argv[index + 1] : fallback;
}

function integer(name: string, fallback: number, minimum = 1): number {
	const value = Number(option(name, String(fallback)));
	if (!Number.isInteger(value) || value < minimum) {
		throw new Error(`--${name} must be an integer of at least ${minimum}`);
	}
	return value;
}

const FLEET = integer('fleet', 2000);
const ROUNDS = integer('rounds', 5);
const WARMUPS = integer('warmups', 1, 0);
const PAGE_MAX = integer('page-max', 1000);
const RTTS = option('rtt', '0,20,50').split(',').map(Number);
const COMPRESSION = option('compression', 'gzip');
if (RTTS.some((rtt) => !Number.isFinite(rtt) || rtt < 0)) {
	throw new Error('--rtt takes round-trip times in ms, e.g. 0,20,50');
}
if (COMPRESSION !== 'gzip' && COMPRESSION !== 'none') {
	throw new Error('--compression is gzip or none');
}
/** What operators put into the HTTP Request node's `limit`, and the issue's page size. */
const HTTP_REQUEST_LIMIT = 100;
/** The package's first page size (contract.ts, pageSizes.first), capped by the tenant. */
const PACKAGE_PAGE = Math.min(1000, PAGE_MAX);

interface Sample {
	ms: number;
	pages: number;
	connections: number;
	handshakes: number;
	/** Of the handshakes, those that resumed an earlier TLS session. */
	resumed: number;
}

/** Takes the counters around `timed` (the part of a run the figures are about). */
type Measure = <T>(timed: () => Promise<T>) => Promise<T>;

interface Contender {
	label: string;
	/** Runs once, its timed part inside `measure`; returns its time in ms. */
	run: (measure: Measure) => Promise<number>;
	samples: Map<number, Sample[]>;
}

async function main() {
	await ensureN8nInstalled();
	const certificates = makeCertificates();
	const userFolder = mkdtempSync(path.join(os.tmpdir(), 'invers-bench-network-'));
	// Tokens outlive the run: a renewal in one round would bill that round for it.
	const sim = await startSimulator({
		fleetSize: FLEET,
		port: 0,
		pageMax: PAGE_MAX,
		tokenTtlSeconds: 24 * 3600,
		compression: COMPRESSION === 'gzip' ? 'gzip' : undefined,
	});
	const tlsRelay = await startRelay(sim.port, {
		tls: { key: certificates.key, cert: certificates.cert },
	});
	const network = await startRelay(tlsRelay.port);
	const apiUrl = `https://localhost:${network.port}`;
	const instance: N8nInstanceOptions = {
		userFolder,
		port: await freePort(),
		runnerBrokerPort: await freePort(),
		env: {
			NODE_ENV: 'production',
			N8N_LOG_LEVEL: 'warn',
			NODE_EXTRA_CA_CERTS: certificates.caFile,
		},
	};
	const workflows = [
		{ path: 'net-get-many', chain: [getMany(management('getMany', { returnAll: true }))] },
		{
			path: 'net-get-one',
			chain: [getMany(management('getMany', { returnAll: false, limit: 1 }))],
		},
		{ path: 'net-http-request', chain: httpRequestChain(apiUrl, HTTP_REQUEST_LIMIT) },
	];
	let n8n: Awaited<ReturnType<typeof startN8n>> | undefined;
	try {
		await installPackage(userFolder);
		const credentialsFile = path.join(userFolder, 'credentials.json');
		writeFileSync(credentialsFile, JSON.stringify([sandboxCredential(apiUrl)]));
		await n8nCli(instance, ['import:credentials', `--input=${credentialsFile}`]);
		for (const [index, { path: webhookPath, chain }] of workflows.entries()) {
			const workflow = benchWorkflow(`inversNetBench${index}`, webhookPath, chain);
			const file = path.join(userFolder, `${workflow.id}.json`);
			writeFileSync(file, JSON.stringify(workflow));
			await n8nCli(instance, ['import:workflow', `--input=${file}`]);
			await n8nCli(instance, ['publish:workflow', `--id=${workflow.id}`]);
		}
		n8n = await startN8n(instance);
		const webhook = (webhookPath: string) => async (measure: Measure) =>
			await measure(async () => {
				const started = process.hrtime.bigint();
				const response = await fetch(`${n8n!.url}/webhook/${webhookPath}`);
				await response.arrayBuffer();
				if (!response.ok) throw new Error(`webhook ${webhookPath}: HTTP ${response.status}`);
				return Number(process.hrtime.bigint() - started) / 1e6;
			});
		await webhooksRegistered(`${n8n.url}/webhook/net-get-one`);

		const basic = Buffer.from('demo#client:demo-secret').toString('base64');
		const tokenAnswer = await fetch(`${sim.url}${TOKEN_PATH}`, {
			method: 'POST',
			headers: { Authorization: `Basic ${basic}` },
		});
		const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
		const floor = (pageSize: number) => async (measure: Measure) => {
			const child = spawn(
				path.join(NODE24_BIN, 'node'),
				[
					'-r',
					'ts-node/register',
					path.join(__dirname, 'networkFloor.ts'),
					apiUrl,
					token,
					String(pageSize),
				],
				{
					env: {
						...process.env,
						TS_NODE_TRANSPILE_ONLY: 'true',
						NODE_EXTRA_CA_CERTS: certificates.caFile,
					},
					stdio: ['pipe', 'pipe', 'inherit'],
				},
			);
			const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
			const next = async () => String((await lines.next()).value ?? '');
			if ((await next()) !== 'ready') throw new Error('the floor did not warm up');
			const result = await measure(async () => {
				child.stdin!.write('go\n');
				return JSON.parse(await next()) as { ms: number; items: number };
			});
			if (result.items !== FLEET) throw new Error(`the floor read ${result.items} vehicles`);
			return result.ms;
		};

		const contenders: Contender[] = [
			{
				label: 'INVERS Get Many, Return All (n8n)',
				run: webhook('net-get-many'),
				samples: new Map(),
			},
			{
				label: 'HTTP Request + pagination + Split Out (n8n)',
				run: webhook('net-http-request'),
				samples: new Map(),
			},
			{
				label: `floor: keep-alive https loop, pages of ${PACKAGE_PAGE}`,
				run: floor(PACKAGE_PAGE),
				samples: new Map(),
			},
			{
				label: `floor: keep-alive https loop, pages of ${HTTP_REQUEST_LIMIT}`,
				run: floor(HTTP_REQUEST_LIMIT),
				samples: new Map(),
			},
			{
				label: "n8n's fixed cost: Get Many of 1 vehicle (n8n)",
				run: webhook('net-get-one'),
				samples: new Map(),
			},
		];

		for (const rtt of RTTS) {
			network.setRttMs(rtt);
			const untimed: Measure = (timed) => timed();
			for (const contender of contenders) {
				contender.samples.set(rtt, []);
				for (let pass = 0; pass < WARMUPS; pass++) await contender.run(untimed);
			}
			for (let round = 0; round < ROUNDS; round++) {
				for (const contender of contenders) {
					let before = counts();
					const measure: Measure = async (timed) => {
						// Cold: no connection survives from before.
						network.dropConnections();
						await new Promise((resolve) => setTimeout(resolve, 50));
						before = counts();
						return await timed();
					};
					const ms = await contender.run(measure);
					const after = counts();
					contender.samples.get(rtt)!.push({
						ms,
						pages: after.pages - before.pages,
						connections: after.connections - before.connections,
						handshakes: after.handshakes - before.handshakes,
						resumed: after.resumed - before.resumed,
					});
				}
			}
			print(rtt, contenders);
		}
		console.log(
			`\ntoken requests to the simulator during the run: ${sim.stats.tokenRequests} (1 for the floors' token, the rest n8n's)`,
		);
	} finally {
		await n8n?.stop();
		await network.close();
		await tlsRelay.close();
		await sim.close();
		certificates.remove();
		rmSync(userFolder, { recursive: true, force: true });
	}

	function counts() {
		return {
			pages: sim.stats.requests['GET /vehicles'] ?? 0,
			connections: network.stats.connections,
			handshakes: tlsRelay.stats.handshakes,
			resumed: tlsRelay.stats.resumed,
		};
	}
}

async function webhooksRegistered(url: string): Promise<void> {
	const started = Date.now();
	for (;;) {
		const response = await fetch(url);
		await response.arrayBuffer();
		if (response.ok) return;
		if (Date.now() - started > 60_000) throw new Error(`n8n did not register ${url} within 60 s`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

function print(rtt: number, contenders: Contender[]): void {
	const floorMs = median(contenders[2].samples.get(rtt)!.map((sample) => sample.ms));
	const issueFloorMs = median(contenders[3].samples.get(rtt)!.map((sample) => sample.ms));
	console.log(
		`\n## ${FLEET} vehicles over TLS, RTT ${rtt} ms (tenant's largest page ${PAGE_MAX}, answers ${COMPRESSION === 'gzip' ? 'gzip-compressed when asked' : 'uncompressed'}; median of ${ROUNDS} interleaved rounds)\n`,
	);
	console.log(
		`${'contender'.padEnd(52)} ${'wall ms'.padStart(8)} ${`x floor ${PACKAGE_PAGE}`.padStart(14)} ${`x floor ${HTTP_REQUEST_LIMIT}`.padStart(13)} ${'pages'.padStart(6)} ${'TCP conn'.padStart(9)} ${'TLS hs'.padStart(7)} ${'resumed'.padStart(8)}`,
	);
	for (const contender of contenders) {
		const samples = contender.samples.get(rtt)!;
		const ms = median(samples.map((sample) => sample.ms));
		const figure = (key: keyof Sample) => String(median(samples.map((sample) => sample[key])));
		console.log(
			`${contender.label.padEnd(52)} ${ms.toFixed(0).padStart(8)} ${`${(ms / floorMs).toFixed(2)}x`.padStart(14)} ${`${(ms / issueFloorMs).toFixed(2)}x`.padStart(13)} ${figure('pages').padStart(6)} ${figure('connections').padStart(9)} ${figure('handshakes').padStart(7)} ${figure('resumed').padStart(8)}`,
		);
	}
	const rounds = (index: number) =>
		contenders[index].samples
			.get(rtt)!
			.map((sample) => sample.ms.toFixed(0))
			.join(' ');
	console.log(
		`rounds (ms): Get Many ${rounds(0)} | HTTP Request ${rounds(1)} | floor ${rounds(2)}`,
	);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
