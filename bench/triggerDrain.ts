/**
 * One drain of `npm run bench:trigger`, in a process of its own (forked by bench/trigger.ts), so
 * CPU time and peak memory belong to one contender alone: consumes a warm-up queue (module
 * loading, JIT), then drains the measured backlog and reports to the parent:
 * - events/s from the consumer's start until the last event was emitted;
 * - CPU time of the process (user + system) per event;
 * - peak RSS during the drain above the RSS before it (the kernel's high-water mark, reset by
 *   writing 5 to /proc/self/clear_refs; sampled every 10 ms where that is not available).
 * `--cpu-profile FILE` writes a V8 CPU profile of the drain.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

import type { ContenderKey } from './triggerContenders';
import { contender } from './triggerContenders';
import { now } from './triggerQueues';

export interface DrainRequest {
	contender: ContenderKey;
	prefetch: number;
	warmupQueue: string;
	warmupEvents: number;
	queue: string;
	events: number;
	cpuProfile?: string;
}

export interface DrainResult {
	eventsPerSecond: number;
	cpuMicrosPerEvent: number;
	/** Peak RSS during the drain minus RSS before it, and the peak itself (MB). */
	peakRssGrowthMb: number;
	peakRssMb: number;
	received: number;
}

const MB = 2 ** 20;

/** The process's peak RSS since the last reset, in bytes (undefined without /proc). */
function highWaterMark(): number | undefined {
	try {
		const kb = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
		return kb ? Number(kb) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

/** Starts a new peak: the kernel's mark where it can be reset, else sampling. */
function peakMeter(): () => number {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
		const mark = highWaterMark();
		if (mark !== undefined) return () => Math.max(highWaterMark()!, process.memoryUsage.rss());
	} catch {
		// Not Linux, or not allowed: sample.
	}
	let peak = process.memoryUsage.rss();
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
	return () => {
		clearInterval(timer);
		return Math.max(peak, process.memoryUsage.rss());
	};
}

/** Consumes `queue` until `events` were emitted, or nothing arrived for 15 s. */
async function consume(
	key: ContenderKey,
	prefetch: number,
	queue: string,
	events: number,
): Promise<{ received: number; stop: () => Promise<void> }> {
	const chosen = contender(key, { prefetch });
	if (typeof chosen === 'string') throw new Error(chosen);
	let received = 0;
	let finished: () => void = () => undefined;
	const allReceived = new Promise<void>((resolve) => (finished = resolve));
	const consumer = await chosen.start(queue, 5672, () => {
		if (++received === events) finished();
	});
	let last = -1;
	while (received < events && received !== last) {
		last = received;
		await Promise.race([allReceived, new Promise((resolve) => setTimeout(resolve, 15_000))]);
	}
	return { received, stop: consumer.stop };
}

async function profiled<T>(file: string | undefined, work: () => Promise<T>): Promise<T> {
	if (!file) return await work();
	const session = new Session();
	session.connect();
	const post = (method: string) =>
		new Promise<unknown>((resolve, reject) =>
			session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
		);
	await post('Profiler.enable');
	await post('Profiler.start');
	const result = await work();
	const { profile } = (await post('Profiler.stop')) as { profile: unknown };
	writeFileSync(file, JSON.stringify(profile));
	return result;
}

async function drain(request: DrainRequest): Promise<DrainResult> {
	const warmup = await consume(
		request.contender,
		request.prefetch,
		request.warmupQueue,
		request.warmupEvents,
	);
	await warmup.stop();
	(globalThis as { gc?: () => void }).gc?.();
	const rssBefore = process.memoryUsage.rss();
	const peak = peakMeter();
	const cpuBefore = process.cpuUsage();
	const started = now();
	const { received, stop, elapsed } = await profiled(request.cpuProfile, async () => {
		const drained = await consume(
			request.contender,
			request.prefetch,
			request.queue,
			request.events,
		);
		return { ...drained, elapsed: (now() - started) / 1000 };
	});
	const cpu = process.cpuUsage(cpuBefore);
	const peakRss = peak();
	await stop();
	return {
		eventsPerSecond: received / elapsed,
		cpuMicrosPerEvent: (cpu.user + cpu.system) / Math.max(1, received),
		peakRssGrowthMb: (peakRss - rssBefore) / MB,
		peakRssMb: peakRss / MB,
		received,
	};
}

process.once('message', (request: DrainRequest) => {
	drain(request).then(
		(result) => process.send!(result, () => process.exit(0)),
		(error: Error) => {
			console.error(error);
			process.exit(1);
		},
	);
});
