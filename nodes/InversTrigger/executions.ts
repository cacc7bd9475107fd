import type { IDataObject, INodeExecutionData, ITriggerFunctions, Logger } from 'n8n-workflow';

import type { ExecutionOutcome } from './ack/ackModes';
import { outcomeOfRun } from './ack/ackModes';
import type { ListNode } from './linkedList';
import { LinkedList } from './linkedList';
import { cancellableDelay } from './timers';

/** The deferred run `emit` resolves when the execution finished (n8n-workflow does not export it). */
export type DeferredRun = NonNullable<Parameters<ITriggerFunctions['emit']>[2]>;

/** What starting executions needs from the trigger context. */
export interface ExecutionHost {
	/** Starts one execution; `done` resolves with the run when it finished. */
	emit(data: INodeExecutionData[][], done?: DeferredRun): void;
	createDeferred(): DeferredRun;
	logger: Logger;
}

/** What one execution is started for, named in warnings. */
export interface RunSubject {
	/** The event's ID, for a batch its first event's. */
	eventId: string | undefined;
	/** Events the execution stands for (1, or a batch's size). */
	events: number;
}

/** How long to wait for a run. */
export interface RunLimits {
	/** The wait ends with `timeout` after this long. */
	timeoutMs: number;
	/** A warning names the run when it is still running after this long (before the timeout). */
	warnAfterMs?: number;
}

interface Running extends ListNode<Running> {
	deadline: number;
	/** When to warn that it still runs; NaN once warned or when not asked. */
	warnAt: number;
	eventId: string | undefined;
	events: number;
	/** Resolves with the first end: the run, the timeout sweeper or dispose. */
	outcome: Promise<ExecutionOutcome>;
	finish: (outcome: ExecutionOutcome) => void;
}

/**
 * The executions the trigger started and waits for, each bounded in time: an execution whose run
 * never reports back (n8n's RabbitMQ trigger failure #1) ends here with `timeout`, so no delivery
 * waits for it forever. One sweeper timer serves all of them.
 */
export class Executions {
	/** Executions started (the trigger's `emitted` count). */
	started = 0;
	timedOut = 0;
	private readonly running = new LinkedList<Running>();
	private sweeper?: AbortController;
	private disposed = false;

	constructor(private readonly host: ExecutionHost) {}

	/**
	 * Starts one execution with these items and waits for it. Never rejects: a failure to start
	 * is a failed outcome. Nothing is built per run beyond the wait itself (thousands a second):
	 * warnings name the run from its subject only when they are written.
	 */
	start(
		items: IDataObject | IDataObject[],
		limits: RunLimits,
		eventId: string | undefined,
		events = 1,
	): Promise<ExecutionOutcome> {
		const done = this.host.createDeferred();
		const running = this.watch(done, limits, eventId, events);
		try {
			this.started++;
			const data = Array.isArray(items) ? items.map((json) => ({ json })) : [{ json: items }];
			this.host.emit([data], done);
		} catch (error) {
			this.host.logger.error(
				`INVERS Trigger: starting the workflow failed: ${(error as Error).message}`,
			);
			running.finish('failure');
		}
		return running.outcome;
	}

	/**
	 * The wait for one run, built where the items are out of scope: what waits holds the event ID,
	 * not the event or its items (a waiting closure keeps its whole scope alive, and one that V8
	 * has moved to the old generation keeps those objects there until the next full collection).
	 */
	private watch(
		done: DeferredRun,
		limits: RunLimits,
		eventId: string | undefined,
		events: number,
	): Running {
		let resolve: (outcome: ExecutionOutcome) => void = () => undefined;
		const now = Date.now();
		const running: Running = {
			// Fields the list sets, present from the start: one object shape for every run.
			previous: undefined,
			next: undefined,
			deadline: now + limits.timeoutMs,
			warnAt: limits.warnAfterMs === undefined ? NaN : now + limits.warnAfterMs,
			eventId,
			events,
			outcome: new Promise<ExecutionOutcome>((settle) => (resolve = settle)),
			finish: (outcome) => {
				// The first end counts: the run, the timeout sweeper or dispose.
				if (!this.running.delete(running)) return;
				if (outcome === 'timeout' && !this.disposed) {
					this.timedOut++;
					this.host.logger.warn(
						`INVERS Trigger: execution of ${nameOf(running)} did not finish within ${Math.round(limits.timeoutMs / 1000)} s; releasing it as the acknowledge mode says`,
					);
				}
				resolve(outcome);
			},
		};
		this.running.add(running);
		this.startSweeper(limits.timeoutMs);
		done.promise.then(
			(run) => running.finish(outcomeOfRun(run)),
			() => running.finish('failure'),
		);
		return running;
	}

	/** One timer for all running executions instead of one per event. */
	private startSweeper(timeoutMs: number): void {
		if (this.sweeper || this.disposed) return;
		const period = Math.min(5_000, Math.max(50, timeoutMs / 8));
		const sweeper = new AbortController();
		this.sweeper = sweeper;
		void (async () => {
			while (await cancellableDelay(period, sweeper.signal)) {
				const now = Date.now();
				this.running.forEach((running) => {
					if (running.warnAt <= now) {
						running.warnAt = NaN;
						this.host.logger.warn(
							`INVERS Trigger: execution of ${nameOf(running)} is still running; its parallel slot stays taken until it ends`,
						);
					}
					if (running.deadline <= now) running.finish('timeout');
				});
			}
		})();
	}

	/** Ends the waits of executions still running (their channel is closed: nothing is sent). */
	dispose(): void {
		this.disposed = true;
		this.sweeper?.abort();
		this.sweeper = undefined;
		this.running.forEach((running) => running.finish('timeout'));
	}
}

/** "event 1f3…", or "a batch of 500 events (first 1f3…)". */
function nameOf(run: { eventId: string | undefined; events: number }): string {
	const id = run.eventId ?? '(no event ID)';
	return run.events > 1 ? `a batch of ${run.events} events (first ${id})` : `event ${id}`;
}
