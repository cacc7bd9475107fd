/**
 * Side-by-side benchmark of the INVERS Trigger on the local RabbitMQ:
 *   npm run bench:trigger -- --events 100000 [--drops 10] [--prefetch 10]
 *
 * Contenders, each on its own fresh queue of the same broker, in one run:
 * - INVERS Trigger: run through n8n-core's TriggerContext (test/harness/trigger.ts), every
 *   execution completes at once, acknowledged after the execution finished, prefetch 10;
 * - bare amqplib: a plain consumer doing the same acks (parse, then ack), prefetch 10;
 * - bare amqplib, batched: the same, with one multiple-ack per batch of messages, as the INVERS
 *   Trigger sends them (a reference, not a target);
 * - n8n's own RabbitMQ trigger (n8n-nodes-base from `bench/n8n-rabbitmq` after
 *   `cd bench/n8n-rabbitmq && npm i --ignore-scripts`, or from the n8n `npm start` installed),
 *   same settings.
 *
 * Phases: throughput (N events queued, then consumed: events/s; after a warm-up, `--rounds`
 * rounds in rotating order, median reported), latency (events streamed at a fixed pace: p50/p99
 * publish-to-emit), and a stream with `--drops` connection drops (a TCP proxy between consumer
 * and broker is cut) counting events lost and duplicates.
 *
 * Profiling: `--cpu-profile DIR` writes a V8 CPU profile of each contender's consume phases (the
 * throughput rounds after the warm-up, publishing excluded) to DIR/<contender>.cpuprofile; open it
 * in Chrome DevTools or `npx speedscope`. Combine with `--only invers --latency-events 0 --drops 0 --drop-events 0`.
 */

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';

import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { connect } from 'amqplib';
import type { IDataObject, INodeType } from 'n8n-workflow';

import { N8N_DIR } from '../scripts/sandbox/paths';
import type { AmqpPublisher } from '../simulator/amqpPublisher';
import { createAmqpPublisher } from '../simulator/amqpPublisher';
import type { TriggerRun } from '../test/harness/trigger';
import { localCredentials, startTrigger } from '../test/harness/trigger';
import { startProxy, uniqueName } from '../test/harness/triggerAmqp';
import { benchConditions } from './triggerConditions';

const BROKER = 'amqp://guest:guest@127.0.0.1:5672';

function argument(name: string, fallback: number): number {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const EVENTS = argument('events', 100_000);
const DROPS = argument('drops', 10);
const PREFETCH = argument('prefetch', 10);
const LATENCY_EVENTS = Math.min(EVENTS, argument('latency-events', 20_000));
const LATENCY_RATE = argument('latency-rate', 2_000);
const DROP_EVENTS = Math.min(EVENTS, argument('drop-events', 30_000));
const ROUNDS = argument('rounds', 3);
const WARMUP_EVENTS = argument('warmup-events', 5_000);
const PROFILE_DIR = (() => {
	const index = process.argv.indexOf('--cpu-profile');
	return index > 0 ? process.argv[index + 1] : undefined;
})();

/** What a contender reports per emitted event. */
type OnEvent = (eventId: string, publishedAt: number | undefined) => void;

interface Contender {
	name: string;
	/** Starts consuming `queue` through `port`; resolves with a stop function. */
	start(
		queue: string,
		port: number,
		onEvent: OnEvent,
	): Promise<{ stop(): Promise<void>; errors: () => number }>;
}

const now = () => performance.timeOrigin + performance.now();

function envelope(): object {
	return {
		metadata: {
			id: randomUUID(),
			type: 'VehicleChanged',
			schema_major_version: 1,
			occurred_at: new Date().toISOString(),
			flow_id: randomUUID(),
		},
		data: {
			vehicle: { id: 'JQ7RP', fleet_id: 'bench', master_data: { license_plate: 'M-IV 1' } },
			reasons: ['LIFE_STATUS_CHANGED'],
		},
	};
}

function readPublishedAt(data: unknown): number | undefined {
	const value = (data as { bench_published_at?: unknown } | undefined)?.bench_published_at;
	return typeof value === 'number' ? value : undefined;
}

const inversTrigger: Contender = {
	name: 'INVERS Trigger',
	async start(queue, port, onEvent) {
		let run: TriggerRun | undefined = undefined;
		run = await startTrigger({
			parameters: { queues: queue, options: { prefetch: PREFETCH } } as never,
			credentials: localCredentials({ amqpPort: port }),
			policy: (execution) => {
				const item = execution.items[0];
				onEvent(String(item.event_id), readPublishedAt(item.data));
				execution.succeed();
				// The harness keeps executions for tests; a long benchmark does not need them.
				if (run) run.executions.length = 0;
			},
		});
		const started = run;
		return { stop: async () => await started.close(), errors: () => started.errors.length };
	},
};

/**
 * A plain amqplib consumer: parse, report, acknowledge. `batched`: instead of one ack per message,
 * one multiple-ack per batch of messages handled together, as the INVERS Trigger sends them. That
 * one is a reference, not a target: it shows what is left between the trigger and the fastest
 * plain consumer.
 */
function bareConsumer(name: string, batched: boolean): Contender {
	return {
		name,
		async start(queue, port, onEvent) {
			const connection: ChannelModel = await connect(`amqp://guest:guest@127.0.0.1:${port}`);
			let errors = 0;
			connection.on('error', () => errors++);
			const channel = await connection.createChannel();
			channel.on('error', () => errors++);
			await channel.prefetch(PREFETCH);
			let lastUnacked: ConsumeMessage | undefined;
			const flush = () => {
				// Answered in order, so everything up to the last one is acknowledged.
				if (lastUnacked) channel.ack(lastUnacked, true);
				lastUnacked = undefined;
			};
			await channel.consume(queue, (message) => {
				if (!message) return;
				const body = JSON.parse(message.content.toString()) as {
					metadata: { id: string };
					data: unknown;
				};
				onEvent(body.metadata.id, readPublishedAt(body.data));
				if (!batched) {
					channel.ack(message);
					return;
				}
				if (!lastUnacked) queueMicrotask(flush);
				lastUnacked = message;
			});
			return {
				stop: async () => await connection.close().catch(() => undefined),
				errors: () => errors,
			};
		},
	};
}

const bareAmqplib = bareConsumer('bare amqplib', false);
const bareAmqplibBatched = bareConsumer('bare amqplib, batched', true);

/**
 * n8n's RabbitMQ trigger from `bench/n8n-rabbitmq` (its own install), else from the n8n that
 * `npm start` and the end-to-end tests install into the cache folder: the same version either way.
 */
function findN8nRabbitMqTrigger(): string | undefined {
	const nodeFile = 'node_modules/n8n-nodes-base/dist/nodes/RabbitMQ/RabbitMQTrigger.node.js';
	return [path.join(__dirname, 'n8n-rabbitmq', nodeFile), path.join(N8N_DIR, nodeFile)].find(
		(candidate) => existsSync(candidate),
	);
}

function loadN8nRabbitMqTrigger(): Contender | string {
	const file = findN8nRabbitMqTrigger();
	if (!file) {
		return `n8n RabbitMQ Trigger skipped: n8n-nodes-base is neither in bench/n8n-rabbitmq (cd bench/n8n-rabbitmq && npm i --ignore-scripts) nor in ${N8N_DIR} (npm start installs it)`;
	}
	let nodeType: INodeType;
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const loaded = require(file) as { RabbitMQTrigger: new () => INodeType };
		nodeType = new loaded.RabbitMQTrigger();
	} catch (error) {
		return `n8n RabbitMQ Trigger skipped: loading it failed (${(error as Error).message.split('\n')[0]})`;
	}
	return {
		name: "n8n's RabbitMQ Trigger",
		async start(queue, port, onEvent) {
			let run: TriggerRun | undefined = undefined;
			run = await startTrigger({
				nodeType,
				credentialType: 'rabbitmq',
				parameters: {
					queue,
					options: {
						acknowledge: 'executionFinished',
						parallelMessages: PREFETCH,
						jsonParseBody: true,
						onlyContent: true,
					},
				} as never,
				credentials: {
					hostname: '127.0.0.1',
					port,
					username: 'guest',
					password: 'guest',
					vhost: '/',
					ssl: false,
				},
				policy: (execution) => {
					const content = execution.items[0] as IDataObject;
					const metadata = content.metadata as IDataObject | undefined;
					onEvent(String(metadata?.id), readPublishedAt(content.data));
					execution.succeed();
					if (run) run.executions.length = 0;
				},
			});
			const started = run;
			return { stop: async () => await started.close(), errors: () => started.errors.length };
		},
	};
}

async function publishMany(
	publisher: AmqpPublisher,
	count: number,
	options: { ratePerSecond?: number; ids?: Set<string> } = {},
): Promise<void> {
	const window: Promise<void>[] = [];
	const started = now();
	for (let i = 0; i < count; i++) {
		if (options.ratePerSecond) {
			const due = started + (i / options.ratePerSecond) * 1000;
			const wait = due - now();
			if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
		}
		const event = envelope() as { metadata: { id: string; type: string }; data: IDataObject };
		event.data.bench_published_at = now();
		options.ids?.add(event.metadata.id);
		window.push(publisher.publish(event as never));
		if (window.length >= 2000) await Promise.all(window.splice(0));
	}
	await Promise.all(window);
}

function percentile(values: number[], p: number): number {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function waitFor(condition: () => boolean, idleTimeoutMs: number, progress: () => number) {
	let last = progress();
	let lastChange = Date.now();
	while (!condition()) {
		await new Promise((resolve) => setTimeout(resolve, 20));
		const current = progress();
		if (current !== last) {
			last = current;
			lastChange = Date.now();
		} else if (Date.now() - lastChange > idleTimeoutMs) {
			return false;
		}
	}
	return true;
}

async function freshQueue(): Promise<AmqpPublisher> {
	return await createAmqpPublisher({
		url: BROKER,
		exchange: uniqueName('bench-events'),
		fleetId: uniqueName('bench'),
		topics: [{ name: 'vehicle-changes', eventTypes: ['VehicleChanged'] }],
	});
}

async function removeQueue(publisher: AmqpPublisher): Promise<number> {
	const connection = await connect(BROKER);
	const channel = await connection.createChannel();
	const queue = publisher.queues['vehicle-changes'];
	const left = (await channel.checkQueue(queue)).messageCount;
	await channel.deleteQueue(queue);
	await channel.deleteQueue(publisher.deadLetterQueues['vehicle-changes']);
	await channel.deleteExchange(publisher.exchange);
	await channel.deleteExchange(`${publisher.exchange}.dead-letter`);
	await publisher.close();
	await connection.close();
	return left;
}

interface Result {
	name: string;
	eventsPerSecond: number;
	p50: number;
	p99: number;
	lost?: number;
	duplicates?: number;
	note?: string;
}

/** CPU time of this process per event (µs) in the last throughput phase, per contender. */
const cpuPerEvent = new Map<Contender, number[]>();

/** `--cpu-profile`: one inspector session; profiles only while a measured round consumes. */
let profiler: Session | undefined;
let profiling = false;

function post<T>(method: string): Promise<T> {
	return new Promise((resolve, reject) =>
		profiler!.post(method, (error, result) => (error ? reject(error) : resolve(result as T))),
	);
}

async function startProfile(): Promise<void> {
	if (!PROFILE_DIR || !profiling) return;
	if (!profiler) {
		profiler = new Session();
		profiler.connect();
		await post('Profiler.enable');
	}
	await post('Profiler.start');
}

/** Stops the profile and keeps its samples; all rounds of a contender go into one file. */
const profiles = new Map<
	Contender,
	{ nodes: unknown[]; samples: number[]; timeDeltas: number[] }[]
>();
async function stopProfile(contender: Contender): Promise<void> {
	if (!PROFILE_DIR || !profiling || !profiler) return;
	const { profile } = await post<{
		profile: { nodes: unknown[]; samples: number[]; timeDeltas: number[] };
	}>('Profiler.stop');
	if (!profiles.has(contender)) profiles.set(contender, []);
	profiles.get(contender)!.push(profile);
}

function writeProfiles(): void {
	if (!PROFILE_DIR) return;
	mkdirSync(PROFILE_DIR, { recursive: true });
	for (const [contender, parts] of profiles) {
		parts.forEach((profile, round) => {
			const file = path.join(
				PROFILE_DIR,
				`${contender.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${round + 1}.cpuprofile`,
			);
			writeFileSync(file, JSON.stringify(profile));
			console.log(`CPU profile: ${file}`);
		});
	}
}

async function throughput(contender: Contender, events = EVENTS): Promise<number> {
	const publisher = await freshQueue();
	await publishMany(publisher, events);
	let received = 0;
	await startProfile();
	const started = now();
	const cpuBefore = process.cpuUsage();
	const consumer = await contender.start(
		publisher.queues['vehicle-changes'],
		5672,
		() => received++,
	);
	await waitFor(
		() => received >= events,
		15_000,
		() => received,
	);
	const elapsed = (now() - started) / 1000;
	const cpu = process.cpuUsage(cpuBefore);
	await stopProfile(contender);
	if (!cpuPerEvent.has(contender)) cpuPerEvent.set(contender, []);
	cpuPerEvent.get(contender)!.push((cpu.user + cpu.system) / Math.max(1, received));
	await consumer.stop();
	const left = await removeQueue(publisher);
	if (received < events || left > 0) {
		console.log(
			`  ! ${contender.name}: received ${received} of ${events}, ${left} left in the queue`,
		);
	}
	return received / elapsed;
}

async function latency(contender: Contender): Promise<{ p50: number; p99: number }> {
	const publisher = await freshQueue();
	const latencies: number[] = [];
	const consumer = await contender.start(publisher.queues['vehicle-changes'], 5672, (_id, at) => {
		if (at !== undefined) latencies.push(now() - at);
	});
	await publishMany(publisher, LATENCY_EVENTS, { ratePerSecond: LATENCY_RATE });
	await waitFor(
		() => latencies.length >= LATENCY_EVENTS,
		10_000,
		() => latencies.length,
	);
	await consumer.stop();
	await removeQueue(publisher);
	return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function withDrops(
	contender: Contender,
): Promise<{ lost: number; duplicates: number; note?: string }> {
	const publisher = await freshQueue();
	const proxy = await startProxy();
	const published = new Set<string>();
	const seen = new Set<string>();
	let emitted = 0;
	const consumer = await contender.start(publisher.queues['vehicle-changes'], proxy.port, (id) => {
		emitted++;
		seen.add(id);
	});
	const publishing = publishMany(publisher, DROP_EVENTS, { ids: published, ratePerSecond: 5_000 });
	let drops = 0;
	const dropping = (async () => {
		while (drops < DROPS) {
			const target = ((drops + 1) * DROP_EVENTS) / (DROPS + 1);
			const ok = await waitFor(
				() => emitted >= target,
				10_000,
				() => emitted,
			);
			if (!ok) return;
			proxy.cut();
			drops++;
		}
	})();
	await publishing;
	await dropping;
	await waitFor(
		() => seen.size >= DROP_EVENTS,
		15_000,
		() => seen.size,
	);
	const errors = consumer.errors();
	await consumer.stop();
	await proxy.close();
	await removeQueue(publisher);
	let lost = 0;
	for (const id of published) if (!seen.has(id)) lost++;
	const note = `${drops} drops${errors ? `; the trigger gave up (emitError ${errors}x): the missing events wait in the queue until n8n reactivates the workflow` : ''}`;
	return { lost, duplicates: emitted - seen.size, note };
}

async function main() {
	let contenders: Contender[] = [inversTrigger, bareAmqplib, bareAmqplibBatched];
	const n8n = loadN8nRabbitMqTrigger();
	if (typeof n8n === 'string') console.log(n8n);
	else contenders.push(n8n);
	// --only invers,bare,n8n: a subset (profiling); the comparison needs INVERS and bare.
	const only = process.argv.indexOf('--only');
	if (only > 0) {
		const wanted = process.argv[only + 1].split(',');
		contenders = contenders.filter((c) =>
			wanted.some((w) => c.name.toLowerCase().includes(w.toLowerCase())),
		);
	}

	console.log(
		`events ${EVENTS}, prefetch ${PREFETCH}; latency: ${LATENCY_EVENTS} events at ${LATENCY_RATE}/s; drops: ${DROPS} during ${DROP_EVENTS} events`,
	);
	// Warm-up (module loading, JIT) first, then rounds in rotating order, so no contender pays
	// for going first and a noisy neighbour on the machine hits every contender alike.
	for (const contender of contenders) await throughput(contender, WARMUP_EVENTS);
	cpuPerEvent.clear();
	profiling = true;
	const rates = new Map<Contender, number[]>(contenders.map((c) => [c, []]));
	for (let round = 0; round < ROUNDS; round++) {
		const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
		for (const contender of order) rates.get(contender)!.push(await throughput(contender));
		console.log(
			`round ${round + 1}: ${contenders.map((c) => `${c.name} ${rates.get(c)![round].toFixed(0)}/s`).join(', ')}`,
		);
	}
	profiling = false;
	writeProfiles();
	const results: Result[] = [];
	for (const contender of contenders) {
		const eventsPerSecond = percentile(rates.get(contender)!, 50);
		const { p50, p99 } = await latency(contender);
		results.push({ name: contender.name, eventsPerSecond, p50, p99 });
		console.log(
			`${contender.name.padEnd(24)} ${eventsPerSecond.toFixed(0).padStart(7)} events/s (median of ${ROUNDS}, ${percentile(cpuPerEvent.get(contender) ?? [], 50).toFixed(0)} µs CPU/event in this process)   p50 ${p50.toFixed(2)} ms   p99 ${p99.toFixed(2)} ms`,
		);
	}
	const rateOf = (contender: Contender) =>
		results.find((result) => result.name === contender.name)?.eventsPerSecond;
	const ours = rateOf(inversTrigger);
	const share = (other: number) => `${((ours! / other) * 100).toFixed(0)}%`;
	const bare = rateOf(bareAmqplib);
	if (ours && bare) {
		console.log(`INVERS Trigger throughput = ${share(bare)} of bare amqplib (target ≥ 90%)`);
	}
	const batched = rateOf(bareAmqplibBatched);
	if (ours && batched) {
		console.log(
			`INVERS Trigger throughput = ${share(batched)} of bare amqplib, batched (reference)`,
		);
	}
	const n8nRate = typeof n8n === 'string' ? undefined : rateOf(n8n);
	if (ours && n8nRate) {
		console.log(
			`INVERS Trigger throughput = ${share(n8nRate)} of n8n's RabbitMQ Trigger (target ≥ 100%)`,
		);
	}

	console.log(`\nconnection drops (${DROPS} during a stream of ${DROP_EVENTS} events):`);
	for (const contender of contenders.filter((c) => !c.name.startsWith('bare'))) {
		const { lost, duplicates, note } = await withDrops(contender);
		console.log(
			`${contender.name.padEnd(24)} lost (never emitted) ${lost}   duplicates ${duplicates}   (${note})`,
		);
	}

	// Watched conditions versus For Every Event, and their memory (bench/triggerConditions.ts).
	if (only < 0) await benchConditions({ events: EVENTS, prefetch: PREFETCH, rounds: ROUNDS });
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
