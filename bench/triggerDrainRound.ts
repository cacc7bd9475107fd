/**
 * One drain round of `npm run bench:trigger`: every contender drains its own backlog of the same
 * size inside one process per contender (bench/triggerDrain.ts), one contender after the other
 * (rotating who starts). `--slices N` cuts each backlog into N slices taken in turn (A, B, A, B,
 * ...), each by a fresh consumer with its own connection, so that every contender meets the same
 * minutes of the machine and N connections of the broker.
 *
 * What slices showed (December 2026, 2-core machine): the drain rate is a draw per process far
 * more than a property of the consumer. The same bare amqplib code, run twice in one round,
 * drained 6,700 and 15,300 events/s; with 10 slices in turn, one process's ten connections were
 * all slow (3,800-7,900 events/s) while the other process's interleaved ones were all fast
 * (11,100-20,200), also with both processes pinned to the same CPU. The broker spent the same CPU
 * per event either way (about 47 µs), and the consumer waited for it most of the time. So a
 * per-round ratio of two single drains carries that draw; the noise floor is printed with
 * `--only invers,bare,bare2` (bare amqplib against a second copy of itself).
 */
import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import path from 'node:path';

import type { Contender, ContenderKey } from './triggerContenders';
import type { DrainCommand, PeakResult, SliceResult } from './triggerDrain';
import type { AmqpPublisher } from '../simulator/amqpPublisher';
import { freshQueue, publishMany, removeQueue } from './triggerQueues';

export interface Entry {
	key: ContenderKey;
	contender: Contender;
}

export interface DrainResult {
	/** Events over the summed time of all slices. */
	eventsPerSecond: number;
	cpuMicrosPerEvent: number;
	peakRssGrowthMb: number;
	peakRssMb: number;
	/** Events/s of each slice, in order: shows the spread of the broker's draws. */
	sliceRates: number[];
}

export interface RoundOptions {
	events: number;
	slices: number;
	warmupEvents: number;
	prefetch: number;
	/** Folder for one CPU profile per contender and round. */
	profileDir?: string;
}

/** One contender's process, answering one command at a time. */
class DrainProcess {
	private readonly child: ChildProcess;
	private exited?: Error;
	/** Resolves once the process has exited, however it ended. */
	readonly ended: Promise<void>;

	constructor(readonly entry: Entry) {
		this.child = fork(path.join(__dirname, 'triggerDrain.ts'), [], {
			execArgv: [...process.execArgv, '--expose-gc'],
		});
		this.ended = new Promise((resolve) =>
			this.child.once('exit', (code, signal) => {
				this.exited = new Error(`${entry.contender.name}: drain process exited ${code ?? signal}`);
				resolve();
			}),
		);
	}

	send<T>(command: DrainCommand): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			if (this.exited) return reject(this.exited);
			const onExit = () => reject(this.exited);
			this.child.once('exit', onExit);
			this.child.once('message', (message) => {
				this.child.off('exit', onExit);
				resolve((message as { result: T }).result);
			});
			this.child.send(command);
		});
	}
}

interface Lane {
	drain: DrainProcess;
	warmup: AmqpPublisher;
	measured: AmqpPublisher;
	queue: string;
	slices: SliceResult[];
	received: number;
}

export async function drainRound(
	entries: Entry[],
	round: number,
	options: RoundOptions,
): Promise<Map<Entry, DrainResult>> {
	const lanes: Lane[] = [];
	for (const entry of entries) {
		const warmup = await freshQueue();
		const measured = await freshQueue();
		await publishMany(warmup.publisher, options.warmupEvents);
		await publishMany(measured.publisher, options.events);
		const drain = new DrainProcess(entry);
		await drain.send({
			kind: 'warmup',
			contender: entry.key,
			prefetch: options.prefetch,
			queue: warmup.queue,
			events: options.warmupEvents,
			cpuProfile: options.profileDir
				? path.join(options.profileDir, `${entry.key}-${round + 1}.cpuprofile`)
				: undefined,
		});
		lanes.push({
			drain,
			warmup: warmup.publisher,
			measured: measured.publisher,
			queue: measured.queue,
			slices: [],
			received: 0,
		});
	}
	// Rotating which contender starts, so none always drains first.
	const order = lanes.map((_, i) => lanes[(i + round) % lanes.length]);
	const sliceEvents = Math.ceil(options.events / options.slices);
	for (let slice = 0; slice < options.slices; slice++) {
		for (const lane of order) {
			const events = Math.min(sliceEvents, options.events - lane.received);
			if (events <= 0) continue;
			const result = await lane.drain.send<SliceResult>({
				kind: 'slice',
				queue: lane.queue,
				events,
			});
			lane.slices.push(result);
			lane.received += result.received;
		}
	}
	const results = new Map<Entry, DrainResult>();
	for (const lane of lanes) {
		const peak = await lane.drain.send<PeakResult>({ kind: 'finish' });
		await lane.drain.ended;
		await removeQueue(lane.warmup);
		const left = await removeQueue(lane.measured);
		const { name } = lane.drain.entry.contender;
		if (lane.received < options.events || left > 0) {
			console.log(
				`  ! ${name}: received ${lane.received} of ${options.events}, ${left} left in the queue`,
			);
		}
		const sum = (pick: (slice: SliceResult) => number) =>
			lane.slices.reduce((total, slice) => total + pick(slice), 0);
		const timed = sum((slice) => slice.timed);
		results.set(lane.drain.entry, {
			eventsPerSecond: timed / sum((slice) => slice.elapsed),
			cpuMicrosPerEvent: sum((slice) => slice.cpuMicros) / Math.max(1, timed),
			...peak,
			sliceRates: lane.slices.map((slice) => slice.timed / slice.elapsed),
		});
	}
	return results;
}
