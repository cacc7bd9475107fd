/**
 * Side-by-side benchmark of the INVERS Trigger on the local RabbitMQ:
 *   npm run bench:trigger -- --events 100000 [--rounds 3] [--slices 10] [--drops 10] [--prefetch 10]
 *
 * Contenders (bench/triggerContenders.ts), each on its own fresh queue of the same broker, in one
 * run: the INVERS Trigger (defaults: ack when the execution finished, prefetch 10, de-duplication
 * and Simplify on), a bare amqplib consumer acknowledging every message, the same consumer with
 * one multiple-ack per batch (a reference), and n8n's own RabbitMQ trigger when installed.
 * The backlog alternates VehicleChanged and VehicleStateRecorded events.
 *
 * Phases:
 * - drain: N events queued for every contender in every round, then consumed by each in turn
 *   (rotating who starts), each contender in a fresh process per round (bench/triggerDrain.ts)
 *   after a warm-up queue: events/s from the moment the consumer was ready until its last event,
 *   CPU per event and peak RSS above the RSS before the drain are that contender's alone. Every
 *   round is printed, and the INVERS Trigger against bare amqplib per round. `--slices N` takes
 *   each backlog in N slices in turn instead (bench/triggerDrainRound.ts says what that showed);
 * - latency: events streamed at a fixed pace: p50/p99 publish-to-emit;
 * - a stream with `--drops` connection drops (a TCP proxy between consumer and broker is cut),
 *   counting events lost and duplicates;
 * - watched conditions against For Every Event (bench/triggerConditions.ts).
 *
 * Profiling: `--cpu-profile DIR` writes a V8 CPU profile of every contender's drain slices to
 * DIR/<contender>-<round>.cpuprofile (open in Chrome DevTools or `npx speedscope`). Combine with
 * `--only invers --latency-events 0 --drops 0 --drop-events 0`.
 */
import { mkdirSync } from 'node:fs';

import { startProxy } from '../test/harness/triggerAmqp';
import type { Contender } from './triggerContenders';
import { CONTENDER_KEYS, OPT_IN_CONTENDERS, contender } from './triggerContenders';
import type { DrainResult, Entry } from './triggerDrainRound';
import { drainRound } from './triggerDrainRound';
import { benchConditions } from './triggerConditions';
import { freshQueue, now, publishMany, removeQueue } from './triggerQueues';

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
const SLICES = Math.max(1, argument('slices', 1));
const PROFILE_DIR = (() => {
	const index = process.argv.indexOf('--cpu-profile');
	return index > 0 ? process.argv[index + 1] : undefined;
})();

/** Targets of the INVERS Trigger against bare amqplib (one ack per message). */
const TARGET_CPU_RATIO = 1.15;
const TARGET_DRAIN_RATIO = 1.0;
const TARGET_RSS_EXTRA_MB = 15;

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

async function latency(contender: Contender): Promise<{ p50: number; p99: number }> {
	const { publisher, queue } = await freshQueue();
	const latencies: number[] = [];
	const consumer = await contender.start(queue, 5672, (_id, at) => {
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
	const { publisher, queue } = await freshQueue();
	const proxy = await startProxy();
	const published = new Set<string>();
	const seen = new Set<string>();
	let emitted = 0;
	const consumer = await contender.start(queue, proxy.port, (id) => {
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

function contenders(): Entry[] {
	const only = process.argv.indexOf('--only');
	const wanted = only > 0 ? process.argv[only + 1].split(',') : undefined;
	const entries: Entry[] = [];
	for (const key of CONTENDER_KEYS) {
		if (wanted ? !wanted.includes(key) : OPT_IN_CONTENDERS.includes(key)) continue;
		const chosen = contender(key, { prefetch: PREFETCH });
		if (typeof chosen === 'string') console.log(chosen);
		else entries.push({ key, contender: chosen });
	}
	return entries;
}

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function printDrainTable(entries: Entry[], results: Map<Entry, DrainResult[]>): void {
	console.log(
		`\ndrain of ${EVENTS} queued events${SLICES > 1 ? ` in ${SLICES} slices each` : ''}; per round (then median):`,
	);
	for (const entry of entries) {
		const rounds = results.get(entry)!;
		const column = (pick: (result: DrainResult) => number, digits = 0) =>
			`${rounds.map((result) => fixed(pick(result), digits)).join(' / ')} (${fixed(percentile(rounds.map(pick), 50), digits)})`;
		console.log(`${entry.contender.name}`);
		console.log(`  drain events/s        ${column((r) => r.eventsPerSecond)}`);
		console.log(`  CPU µs/event          ${column((r) => r.cpuMicrosPerEvent, 1)}`);
		console.log(`  peak RSS growth MB    ${column((r) => r.peakRssGrowthMb, 1)}`);
		console.log(`  peak RSS MB           ${column((r) => r.peakRssMb)}`);
		if (SLICES === 1) continue;
		const spread = rounds.map(
			(r) => `${fixed(Math.min(...r.sliceRates))}-${fixed(Math.max(...r.sliceRates))}`,
		);
		console.log(`  slices events/s       ${spread.join(' / ')}`);
	}
	const byKey = (key: string) => {
		const entry = entries.find((candidate) => candidate.key === key);
		return entry && results.get(entry)!;
	};
	const b = byKey('bare');
	const copy = byKey('bare2');
	if (b && copy) {
		const ratios = (pick: (result: DrainResult) => number) =>
			copy.map((result, i) => fixed(pick(result) / pick(b[i]), 2)).join(' / ');
		console.log('Noise floor: the second copy of bare amqplib against the first, per round:');
		console.log(`  CPU per event   ${ratios((r) => r.cpuMicrosPerEvent)} x`);
		console.log(`  drain           ${ratios((r) => r.eventsPerSecond)} x`);
	}
	const a = byKey('invers');
	if (!a || !b) return;
	const perRound = (value: (i: number) => number, digits: number) =>
		a.map((_, i) => fixed(value(i), digits)).join(' / ');
	const cpu = (i: number) => a[i].cpuMicrosPerEvent / b[i].cpuMicrosPerEvent;
	const drain = (i: number) => a[i].eventsPerSecond / b[i].eventsPerSecond;
	const rss = (i: number) => a[i].peakRssGrowthMb - b[i].peakRssGrowthMb;
	const every = (check: (i: number) => boolean) => (a.every((_, i) => check(i)) ? 'met' : 'MISSED');
	console.log('INVERS Trigger against bare amqplib, per round:');
	console.log(
		`  CPU per event   ${perRound(cpu, 2)} x   (target ≤ ${TARGET_CPU_RATIO}x: ${every((i) => cpu(i) <= TARGET_CPU_RATIO)})`,
	);
	console.log(
		`  drain           ${perRound(drain, 2)} x   (target ≥ ${TARGET_DRAIN_RATIO}x in every round: ${every((i) => drain(i) >= TARGET_DRAIN_RATIO)})`,
	);
	console.log(
		`  peak RSS        ${perRound(rss, 1)} MB more   (target ≤ ${TARGET_RSS_EXTRA_MB} MB: ${every((i) => rss(i) <= TARGET_RSS_EXTRA_MB)})`,
	);
}

async function main() {
	const entries = contenders();
	console.log(
		`events ${EVENTS}${SLICES > 1 ? ` in ${SLICES} slices per contender and round` : ''} (warm-up ${WARMUP_EVENTS}), prefetch ${PREFETCH}, ${ROUNDS} rounds; latency: ${LATENCY_EVENTS} events at ${LATENCY_RATE}/s; drops: ${DROPS} during ${DROP_EVENTS} events`,
	);
	if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
	const results = new Map<Entry, DrainResult[]>(entries.map((entry) => [entry, []]));
	for (let round = 0; round < ROUNDS; round++) {
		const drained = await drainRound(entries, round, {
			events: EVENTS,
			slices: SLICES,
			warmupEvents: WARMUP_EVENTS,
			prefetch: PREFETCH,
			profileDir: PROFILE_DIR,
		});
		for (const entry of entries) results.get(entry)!.push(drained.get(entry)!);
		console.log(
			`round ${round + 1}: ${entries.map((entry) => `${entry.contender.name} ${fixed(results.get(entry)![round].eventsPerSecond)}/s`).join(', ')}`,
		);
	}
	printDrainTable(entries, results);

	if (LATENCY_EVENTS > 0) {
		console.log(`\npublish-to-emit latency, ${LATENCY_EVENTS} events at ${LATENCY_RATE}/s:`);
		for (const { contender } of entries) {
			const { p50, p99 } = await latency(contender);
			console.log(
				`${contender.name.padEnd(24)} p50 ${p50.toFixed(2)} ms   p99 ${p99.toFixed(2)} ms`,
			);
		}
	}

	if (DROPS > 0 && DROP_EVENTS > 0) {
		console.log(`\nconnection drops (${DROPS} during a stream of ${DROP_EVENTS} events):`);
		for (const { key, contender } of entries) {
			if (key === 'bare' || key === 'batched') continue;
			const { lost, duplicates, note } = await withDrops(contender);
			console.log(
				`${contender.name.padEnd(24)} lost (never emitted) ${lost}   duplicates ${duplicates}   (${note})`,
			);
		}
	}

	// Watched conditions versus For Every Event, and their memory (bench/triggerConditions.ts).
	if (process.argv.indexOf('--only') < 0) {
		await benchConditions({ events: EVENTS, prefetch: PREFETCH, rounds: ROUNDS });
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
