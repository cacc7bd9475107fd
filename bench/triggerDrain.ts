/**
 * The drains of one contender in one round of `npm run bench:trigger`, in a process of its own
 * (forked by bench/trigger.ts), so CPU time and peak memory belong to one contender alone. The
 * parent sends commands:
 * - `warmup`: consumes a warm-up queue (module loading, JIT), then starts a new peak RSS;
 * - `slice`: a fresh consumer (its own connection) takes the next slice of the backlog and stops:
 *   time from the moment it was ready (connected, or activated) until its last event was emitted,
 *   and CPU time of the process (user + system) meanwhile;
 * - `finish`: reports the peak RSS of all slices above the RSS before the first (the kernel's
 *   high-water mark, reset by writing 5 to /proc/self/clear_refs; sampled every 10 ms where that
 *   is not available), and ends the process.
 * `cpuProfile` writes a V8 CPU profile of all slices.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

import type { ContenderKey } from './triggerContenders';
import { contender } from './triggerContenders';
import { now } from './triggerQueues';

export type DrainCommand =
	| {
			kind: 'warmup';
			contender: ContenderKey;
			prefetch: number;
			queue: string;
			events: number;
			cpuProfile?: string;
	  }
	| { kind: 'slice'; queue: string; events: number }
	| { kind: 'finish' };

export interface SliceResult {
	/** Events emitted, including a few after the slice's count was reached (before the stop). */
	received: number;
	/** Of those, the ones emitted after the consumer was ready (the ones `elapsed` timed). */
	timed: number;
	/** Seconds from the moment the consumer was ready until its last event. */
	elapsed: number;
	cpuMicros: number;
}

export interface PeakResult {
	/** Peak RSS over all slices minus RSS before the first, and the peak itself (MB). */
	peakRssGrowthMb: number;
	peakRssMb: number;
}

const MB = 2 ** 20;
/** A slice ends early when nothing arrived for this long (the backlog is empty). */
const IDLE_MS = 3_000;

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

let key: ContenderKey;
let prefetch = 10;

/** A fresh consumer takes `events` events of `queue` (or what is left), then stops. */
async function consume(queue: string, events: number): Promise<SliceResult> {
	const chosen = contender(key, { prefetch });
	if (typeof chosen === 'string') throw new Error(chosen);
	let received = 0;
	let lastAt = 0;
	let reached: () => void = () => undefined;
	const allReceived = new Promise<void>((resolve) => (reached = resolve));
	const consumer = await chosen.start(queue, 5672, () => {
		lastAt = now();
		if (++received === events) reached();
	});
	// Timed from here: the connection and activation are not the drain (the trigger's activation
	// costs more than a bare consumer's connect, and each slice pays it once).
	const receivedBefore = received;
	const cpuBefore = process.cpuUsage();
	const started = now();
	let last = -1;
	while (received < events && received !== last) {
		last = received;
		let timer: NodeJS.Timeout | undefined;
		await Promise.race([
			allReceived,
			new Promise((resolve) => (timer = setTimeout(resolve, IDLE_MS))),
		]);
		clearTimeout(timer);
	}
	const cpu = process.cpuUsage(cpuBefore);
	await consumer.stop();
	return {
		received,
		timed: received - receivedBefore,
		elapsed: (Math.max(lastAt, started) - started) / 1000,
		cpuMicros: cpu.user + cpu.system,
	};
}

class Profiler {
	private readonly session = new Session();

	constructor(private readonly file: string) {
		this.session.connect();
	}

	private post(method: string): Promise<unknown> {
		return new Promise((resolve, reject) =>
			this.session.post(method, (error, result) => (error ? reject(error) : resolve(result))),
		);
	}

	async start(): Promise<void> {
		await this.post('Profiler.enable');
		await this.post('Profiler.start');
	}

	async stop(): Promise<void> {
		const { profile } = (await this.post('Profiler.stop')) as { profile: unknown };
		writeFileSync(this.file, JSON.stringify(profile));
	}
}

let peak: (() => number) | undefined;
let rssBefore = 0;
let profiler: Profiler | undefined;

async function run(command: DrainCommand): Promise<SliceResult | PeakResult | undefined> {
	switch (command.kind) {
		case 'warmup': {
			key = command.contender;
			prefetch = command.prefetch;
			await consume(command.queue, command.events);
			(globalThis as { gc?: () => void }).gc?.();
			if (command.cpuProfile) {
				profiler = new Profiler(command.cpuProfile);
				await profiler.start();
			}
			rssBefore = process.memoryUsage.rss();
			peak = peakMeter();
			return undefined;
		}
		case 'slice':
			return await consume(command.queue, command.events);
		case 'finish': {
			const peakRss = peak ? peak() : process.memoryUsage.rss();
			await profiler?.stop();
			return { peakRssGrowthMb: (peakRss - rssBefore) / MB, peakRssMb: peakRss / MB };
		}
	}
}

process.on('message', (command: DrainCommand) => {
	run(command).then(
		(result) => {
			process.send!({ result: result ?? null });
			if (command.kind === 'finish') process.disconnect();
		},
		(error: Error) => {
			console.error(error);
			process.exit(1);
		},
	);
});
