import type { IDataObject, Logger } from 'n8n-workflow';

import type { DeliveryAnswers } from '../answers';
import type { Executions, RunLimits } from '../executions';
import { cancellableDelay } from '../timers';
import type { BatchMember } from './latestPerVehicle';

/** "Start the Workflow: In Batches", as read from the parameters at activation. */
export interface BatchSettings {
	maxEvents: number;
	maxWaitMs: number;
	/** The events' message sizes a batch may add up to. */
	maxBytes: number;
	/** Batch executions running at once. */
	parallel: number;
	latestPerVehicle: boolean;
}

/** What the batcher needs from the pipeline. */
export interface BatchHost {
	answers: DeliveryAnswers;
	executions: Executions;
	/** Acknowledge Immediately: members are acknowledged as their batch starts. */
	acknowledgeAtStart: boolean;
	executionTimeoutMs: number;
	/** The items one batch's execution starts with. */
	itemsOf(members: readonly BatchMember[]): IDataObject[];
	/** Called as a batch starts (a test run ends its consumption there). */
	onStart?: () => void;
	logger: Logger;
}

class Batch {
	readonly members: BatchMember[] = [];
	bytes = 0;
	/** Max Wait passed: starts as soon as a slot is free. */
	due = false;
	/** Ends the Max Wait timer once the batch started or was returned. */
	readonly timer = new AbortController();
	/** Resolves once every member was answered (the pipeline's in-flight count waits on it). */
	readonly answered: Promise<void>;
	finish: () => void = () => undefined;

	constructor() {
		this.answered = new Promise<void>((resolve) => (this.finish = resolve));
	}
}

/**
 * One execution for many events. Events join the open batch in delivery order; it closes at Max
 * Events or when the next event would pass the size cap, and it is due after Max Wait from its
 * first event. Closed batches start in order as soon as fewer than Parallel Batches run; a due
 * batch that finds every slot taken stays open and keeps collecting until one frees, so a busy
 * workflow gets fuller batches instead of more of them.
 *
 * Each member is answered after its batch's execution, as the acknowledge mode says (through
 * DeliveryAnswers, like a single event): a failed batch under Requeue Once is requeued as a
 * whole, each event with its own failure count, so its events come back once and are
 * dead-lettered after a second failed batch. With Acknowledge Immediately, members are
 * acknowledged as their batch starts. Members whose channel died before their batch started are
 * not run (the broker redelivers them), so no event runs twice after a reconnect.
 *
 * The broker's prefetch covers every running batch plus one full batch forming (see
 * `batchPrefetch`), so memory is bounded by that many events.
 */
export class Batcher {
	private open?: Batch;
	private readonly closed: Batch[] = [];
	private running = 0;
	private stopped = false;

	constructor(
		private readonly settings: BatchSettings,
		private readonly host: BatchHost,
	) {}

	/** Batches waiting to start, and events in them (for the trigger's log). */
	get waitingEvents(): number {
		let count = this.open?.members.length ?? 0;
		for (const batch of this.closed) count += batch.members.length;
		return count;
	}

	/** Adds an accepted event; resolves once it was answered. */
	add(member: BatchMember): Promise<void> {
		const size = member.delivery.message.content.length;
		let batch = this.open;
		if (batch && batch.members.length > 0 && batch.bytes + size > this.settings.maxBytes) {
			this.close(batch);
			batch = undefined;
		}
		batch ??= this.openBatch();
		batch.members.push(member);
		batch.bytes += size;
		if (batch.members.length >= this.settings.maxEvents) this.close(batch);
		this.pump();
		return batch.answered;
	}

	/** Closing: no batch starts any more (those running are answered as they end). */
	hold(): void {
		this.stopped = true;
	}

	/**
	 * Closing, once the consumers are cancelled (a message returned earlier would come straight
	 * back): batches that did not start go back to the queue.
	 */
	stop(): void {
		this.stopped = true;
		const waiting = [...this.closed, ...(this.open ? [this.open] : [])];
		this.closed.length = 0;
		this.open = undefined;
		for (const batch of waiting) this.returnUnstarted(batch);
	}

	private openBatch(): Batch {
		const batch = new Batch();
		this.open = batch;
		void cancellableDelay(this.settings.maxWaitMs, batch.timer.signal).then((elapsed) => {
			if (!elapsed) return;
			batch.due = true;
			this.pump();
		});
		return batch;
	}

	private close(batch: Batch): void {
		if (this.open === batch) this.open = undefined;
		this.closed.push(batch);
	}

	/** Starts what may start: closed batches first, in order, then a due open one. */
	private pump(): void {
		while (!this.stopped && this.running < this.settings.parallel) {
			let next = this.closed.shift();
			if (!next && this.open?.due) {
				next = this.open;
				this.open = undefined;
			}
			if (!next) return;
			this.start(next);
		}
	}

	private start(batch: Batch): void {
		batch.timer.abort();
		const { answers } = this.host;
		const live: BatchMember[] = [];
		for (const member of batch.members) {
			// Its channel died while it waited: the broker has it back and redelivers it.
			if (member.delivery.isLive) live.push(member);
			else answers.notRun(member.delivery, member.event.id);
		}
		let items: IDataObject[] | undefined;
		try {
			if (live.length) items = this.host.itemsOf(live);
		} catch (error) {
			// Nothing ran: requeued once, then dead-lettered, like any event that fails to process.
			this.host.logger.error(
				`INVERS Trigger: building the items of a batch of ${live.length} events failed: ${(error as Error).message}`,
			);
			for (const member of live) answers.failedUnexpectedly(member.delivery, member.event.id);
		}
		if (!items) {
			batch.finish();
			return;
		}
		this.running++;
		this.host.onStart?.();
		if (this.host.acknowledgeAtStart) {
			for (const member of live) answers.acceptBeforeRun(member.delivery, member.event.id);
		}
		const outcome = this.host.executions.start(items, this.limits(), live[0].event.id, live.length);
		void outcome.then((result) => {
			try {
				if (!this.host.acknowledgeAtStart) {
					for (const member of live) answers.ran(member.delivery, member.event.id, result);
				}
			} finally {
				this.ended(batch);
			}
		});
	}

	/**
	 * With Acknowledge Immediately the slot stays taken past the execution timeout, up to twice
	 * it (then the run is taken as lost), so Parallel Batches holds for every real run.
	 */
	private limits(): RunLimits {
		const timeoutMs = this.host.executionTimeoutMs;
		return this.host.acknowledgeAtStart
			? { timeoutMs: 2 * timeoutMs, warnAfterMs: timeoutMs }
			: { timeoutMs };
	}

	private ended(batch: Batch): void {
		this.running--;
		batch.finish();
		this.pump();
	}

	private returnUnstarted(batch: Batch): void {
		batch.timer.abort();
		for (const member of batch.members) {
			this.host.answers.notRun(member.delivery, member.event.id);
		}
		batch.finish();
	}
}

/**
 * The prefetch a batch trigger asks for: every running batch and one full batch forming, so the
 * next batch is ready when one ends, within RabbitMQ's limit for a prefetch count.
 */
export function batchPrefetch(settings: BatchSettings): number {
	return Math.min(AMQP_MAX_PREFETCH, settings.maxEvents * (settings.parallel + 1));
}

/** RabbitMQ's prefetch count is a 16-bit field. */
export const AMQP_MAX_PREFETCH = 65_535;
