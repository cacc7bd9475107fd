/**
 * Rising rates for `npm run bench:mirror`: events published at a steady rate for a step, the
 * mirror's queues sampled meanwhile from a connection of their own (`checkQueue`, no management
 * plugin), and a marker (./marker.ts) showing how far the mirror's rows lag behind. A step is kept
 * up with when it ends with at most 2 s of events (or one batch) ready in the queue, the mirror's
 * rows showed the step's last event within the allowed lag, and the lag did not grow over the step
 * (beyond 2.5 s). The first step the mirror cannot keep up with ends the stepping.
 */
import type { Channel, ChannelModel } from 'amqplib';
import { connect } from 'amqplib';

import type { EventEnvelope } from '../../simulator/amqpPublisher';
import type { MarkerProbe } from './marker';
import type { TreeMonitor } from './processTree';

/** Messages waiting (ready, not yet delivered to a consumer) in some queues. */
export class QueueDepth {
	private constructor(
		private readonly connection: ChannelModel,
		private readonly channel: Channel,
		private readonly queues: string[],
	) {}

	static async open(url: string, queues: string[]): Promise<QueueDepth> {
		const connection = await connect(url);
		connection.on('error', () => undefined);
		const channel = await connection.createChannel();
		return new QueueDepth(connection, channel, queues);
	}

	async ready(): Promise<number> {
		let sum = 0;
		for (const queue of this.queues) sum += (await this.channel.checkQueue(queue)).messageCount;
		return sum;
	}

	async close(): Promise<void> {
		await this.connection.close().catch(() => undefined);
	}
}

export interface StepOptions {
	rate: number;
	seconds: number;
	next: (now: number) => EventEnvelope;
	publish: (envelope: EventEnvelope) => Promise<void>;
	depth: QueueDepth;
	monitor: TreeMonitor;
	probe: MarkerProbe;
	/** The most seconds the mirror may lag behind at the step's end and still keep up. */
	maxLagSeconds: number;
	/** Max Events of the mirror's batches (0: one execution per event). */
	batchEvents: number;
}

export interface StepResult {
	rate: number;
	/** How long the step published (shorter when it was stopped early). */
	seconds: number;
	published: number;
	/** Events per second the consumer took off the queue (published minus the backlog's growth). */
	taken: number;
	/** Ready messages at the step's end (median of its last samples), and the most seen. */
	endBacklog: number;
	maxBacklog: number;
	/**
	 * Least-squares growth of the backlog over the step's second half, events per second: shown,
	 * not judged (a batching mirror's backlog saws up and down by a batch).
	 */
	growth: number;
	/** CPU seconds of n8n's processes during the step. */
	cpuSeconds: number;
	/** Seconds from the step's last event until the mirror showed it (Infinity: not within 2 min). */
	lag: number;
	/**
	 * How much more the mirror lagged in the step's second half than in its first (mean lag of the
	 * markers of each half, seconds): grows when the mirror writes slower than events come.
	 */
	lagGrowth: number;
	sustained: boolean;
	stoppedEarly: boolean;
}

const SAMPLE_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The ready messages a step may end with and still count as kept up: 2 s of events (at least 10),
 * or one batch. A batching trigger takes the next events only once a batch ended: while a slow
 * batch runs, up to a batch's worth waits as ready and goes at once when it ends.
 */
export const allowedBacklog = (rate: number, batchEvents: number) =>
	Math.max(10, rate * 2, batchEvents);
/**
 * How much the mean lag may grow from the step's first half to its second: 2.5 s. A batching
 * mirror's lag saws by up to a batch period; the halves' means smooth most of it. A mirror that
 * writes slower than events come grows it by (rate - speed) / speed × half the step: a 15 s step
 * tells a third slower, a 60 s step a twelfth.
 */
export const ALLOWED_LAG_GROWTH_SECONDS = 2.5;

/** A backlog this large stops the step at once: the mirror fell far behind. */
const hopelessBacklog = (rate: number, batchEvents: number) =>
	Math.max(1_000, rate * 10) + batchEvents;

export async function runStep(options: StepOptions): Promise<StepResult> {
	const { rate, seconds, depth, monitor, probe } = options;
	const cpuBefore = monitor.cpuSeconds();
	const samples: Array<{ t: number; ready: number }> = [];
	const startReady = await depth.ready();
	const started = Date.now();
	let publishing = true;
	let stoppedEarly = false;
	const sampler = (async () => {
		while (publishing) {
			const ready = await depth.ready();
			samples.push({ t: (Date.now() - started) / 1000, ready });
			if (ready > hopelessBacklog(rate, options.batchEvents)) {
				stoppedEarly = true;
				publishing = false;
			}
			await sleep(SAMPLE_MS);
		}
	})();
	let published = 0;
	let failure: unknown;
	const pending = new Set<Promise<void>>();
	const track = (promise: Promise<unknown>) => {
		const confirmed = promise.then(
			() => void pending.delete(confirmed),
			(error: unknown) => {
				failure = error;
				pending.delete(confirmed);
			},
		);
		pending.add(confirmed);
	};
	let markers = 0;
	/** The markers sent during the step: their sequence numbers and when (s into the step). */
	const stepMarkers: Array<{ sequence: number; sentAt: number }> = [];
	while (publishing) {
		const elapsed = (Date.now() - started) / 1000;
		if (elapsed >= seconds) break;
		if (elapsed >= markers) {
			const sentAt = elapsed;
			track(probe.send().then((sequence) => stepMarkers.push({ sequence, sentAt })));
			markers++;
		}
		const due = Math.floor(rate * elapsed) - published;
		for (let i = 0; i < due; i++) {
			track(options.publish(options.next(Date.now())));
			published++;
		}
		if (failure) throw failure;
		await sleep(5);
	}
	const elapsed = (Date.now() - started) / 1000;
	publishing = false;
	const last = await probe.send();
	await Promise.all(pending);
	if (failure) throw failure;
	await sampler;
	const endReady = await depth.ready();
	samples.push({ t: elapsed, ready: endReady });
	const cpuSeconds = monitor.cpuSeconds() - cpuBefore;
	const lag = (await probe.waitFor(last, 120_000)) ?? Infinity;
	const lagGrowth = growthOfLag(stepMarkers, elapsed, probe);

	const lastSamples = samples
		.filter((sample) => sample.t >= elapsed - 2)
		.map((sample) => sample.ready);
	const endBacklog = median(lastSamples.length ? lastSamples : [endReady]);
	const growth = slope(samples.filter((sample) => sample.t >= elapsed / 2));
	return {
		rate,
		seconds: elapsed,
		published,
		taken: (published - (endReady - startReady)) / elapsed,
		endBacklog,
		maxBacklog: Math.max(...samples.map((sample) => sample.ready)),
		growth,
		cpuSeconds,
		lag,
		lagGrowth,
		sustained:
			!stoppedEarly &&
			endBacklog <= allowedBacklog(rate, options.batchEvents) &&
			lag <= options.maxLagSeconds &&
			lagGrowth <= ALLOWED_LAG_GROWTH_SECONDS,
		stoppedEarly,
	};
}

/** Waits until the queues hold no ready message twice in a row; false after the timeout. */
export async function drained(depth: QueueDepth, timeoutMs: number): Promise<boolean> {
	const started = Date.now();
	let zeros = 0;
	while (Date.now() - started < timeoutMs) {
		zeros = (await depth.ready()) === 0 ? zeros + 1 : 0;
		if (zeros >= 2) return true;
		await sleep(SAMPLE_MS);
	}
	return false;
}

function growthOfLag(
	markers: Array<{ sequence: number; sentAt: number }>,
	seconds: number,
	probe: MarkerProbe,
): number {
	const meanLag = (half: Array<{ sequence: number }>) => {
		const lags = half.map((marker) => probe.lagOf(marker.sequence) ?? Infinity);
		return lags.length ? lags.reduce((sum, lag) => sum + lag, 0) / lags.length : 0;
	};
	const first = markers.filter((marker) => marker.sentAt < seconds / 2);
	const second = markers.filter((marker) => marker.sentAt >= seconds / 2);
	if (!first.length || !second.length) return 0;
	return meanLag(second) - meanLag(first);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function slope(points: Array<{ t: number; ready: number }>): number {
	if (points.length < 2) return 0;
	const meanT = points.reduce((sum, point) => sum + point.t, 0) / points.length;
	const meanR = points.reduce((sum, point) => sum + point.ready, 0) / points.length;
	let numerator = 0;
	let denominator = 0;
	for (const point of points) {
		numerator += (point.t - meanT) * (point.ready - meanR);
		denominator += (point.t - meanT) ** 2;
	}
	return denominator ? numerator / denominator : 0;
}
