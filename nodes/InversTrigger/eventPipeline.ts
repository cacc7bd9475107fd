import type { IDataObject, INodeExecutionData, ITriggerFunctions, Logger } from 'n8n-workflow';

import { events } from '../shared/contract';
import type { ExecutionOutcome, Settlement } from './ack/ackModes';
import { outcomeOfRun, settlementFor } from './ack/ackModes';
import { ExecutionSlots } from './ack/executionSlots';
import { FailedAttempts } from './ack/failedAttempts';
import type { Delivery } from './amqp/delivery';
import type { Evaluation } from './conditions/evaluator';
import { ConditionWatcher } from './conditions/watcher';
import { DedupeWindow } from './dedupe';
import { VehicleCache } from './enrichment/vehicleCache';
import { filterOutReason } from './events/filters';
import type { ParsedEvent } from './events/parseEvent';
import { eventVehicleId, isInterpretable, parseEvent } from './events/parseEvent';
import { eventToItem } from './events/toItem';
import type { ListNode } from './linkedList';
import { LinkedList } from './linkedList';
import type { TriggerSettings } from './settings';
import { DEDUPE_MAX_BYTES } from './settings';
import { cancellableDelay } from './timers';

/** The deferred run `emit` resolves when the execution finished (n8n-workflow does not export it). */
export type DeferredRun = NonNullable<Parameters<ITriggerFunctions['emit']>[2]>;

/** What the pipeline needs from the trigger context. */
export interface PipelineHost {
	/** Starts one execution; `done` resolves with the run when it finished. */
	emit(data: INodeExecutionData[][], done?: DeferredRun): void;
	createDeferred(): DeferredRun;
	logger: Logger;
	/** Fetches a vehicle through the REST API (Include Vehicle). */
	fetchVehicle?: (vehicleId: string) => Promise<IDataObject>;
	/** Manual test run: called once the one event was emitted. */
	onManualEmit?: () => void;
}

export interface PipelineStats {
	received: number;
	emitted: number;
	filtered: number;
	duplicates: number;
	malformed: number;
	acked: number;
	requeued: number;
	rejected: number;
	timedOut: number;
	/** Answers not sent because the delivery's channel had died (the broker redelivers). */
	stale: number;
	/** Watched conditions only: events that started nothing (acknowledged), vehicles remembered. */
	noTransition?: number;
	watchedVehicles?: number;
	forgottenVehicles?: number;
}

interface Running extends ListNode<Running> {
	deadline: number;
	/** Resolves with the first end: the run, the timeout sweeper or dispose. */
	outcome: Promise<ExecutionOutcome>;
	finish: (outcome: ExecutionOutcome) => void;
}

const NO_COPIES: readonly Delivery[] = [];

const MALFORMED_TEXT: Record<string, string> = {
	notJson: 'The message is not JSON',
	notAnObject: 'The message is JSON but not an object',
	noMetadata: 'The message has no metadata',
	noId: 'The message has no event ID (metadata.id or message_id)',
	noType: 'The message has no event type (metadata.type or the AMQP type)',
	tooLarge: 'The message is larger than the Max Message Size option',
};

/**
 * Everything between a delivery and its answer to the broker: size check, parsing, filtering,
 * de-duplication, enrichment, the execution, and the acknowledgement the mode asks for. Every
 * delivery gets exactly one answer, whatever happens (n8n's RabbitMQ trigger failure #1).
 */
export class EventPipeline {
	readonly stats: PipelineStats = {
		received: 0,
		emitted: 0,
		filtered: 0,
		duplicates: 0,
		malformed: 0,
		acked: 0,
		requeued: 0,
		rejected: 0,
		timedOut: 0,
		stale: 0,
	};

	private readonly running = new LinkedList<Running>();
	private active = 0;
	private idleWaiters: Array<() => void> = [];
	private closing = false;
	private manualEmitted = false;
	private disposed = false;
	/** Aborted on dispose: ends the sweeper's loop. */
	private sweeper?: AbortController;
	private readonly dedupe?: DedupeWindow<Delivery>;
	private readonly vehicles?: VehicleCache;
	private readonly conditions?: ConditionWatcher;
	private readonly failures = new FailedAttempts();
	/** Acknowledge Immediately only: the parallel limit the prefetch cannot enforce. */
	private readonly slots?: ExecutionSlots;

	constructor(
		private readonly settings: TriggerSettings,
		private readonly host: PipelineHost,
		private readonly manual: boolean,
	) {
		if (settings.deduplicate) {
			this.dedupe = new DedupeWindow<Delivery>(settings.dedupeWindowMs, {
				maxBytes: DEDUPE_MAX_BYTES,
				onShortened: (message) => host.logger.warn(message),
			});
		}
		if (settings.includeVehicle && host.fetchVehicle) {
			this.vehicles = new VehicleCache(settings.vehicleCacheTtlMs, host.fetchVehicle);
		}
		if (settings.conditions) {
			this.conditions = new ConditionWatcher(settings.conditions, host.logger);
			Object.assign(this.stats, { noTransition: 0, watchedVehicles: 0, forgottenVehicles: 0 });
		}
		if (settings.ackMode === 'immediately') this.slots = new ExecutionSlots(settings.prefetch);
	}

	/** Deliveries being processed, including ones waiting for their execution. */
	get inFlight(): number {
		return this.active;
	}

	/**
	 * Takes one delivery. Most of the work is synchronous (parse, filter, de-duplicate, start the
	 * execution); only waiting for the execution is asynchronous, with one continuation that
	 * answers the broker, so a delivery costs as few promises and event-loop turns as possible.
	 */
	handle(delivery: Delivery): void {
		this.active++;
		let pending: Promise<void> | undefined;
		try {
			pending = this.process(delivery);
		} catch (error) {
			this.processingFailed(delivery, error);
			this.handled();
			return;
		}
		if (!pending) {
			this.handled();
			return;
		}
		pending.then(this.handled, (error: unknown) => {
			try {
				this.processingFailed(delivery, error);
			} finally {
				this.handled();
			}
		});
	}

	/** Unexpected: still answer, so the queue never stalls; a second failure dead-letters. */
	private processingFailed(delivery: Delivery, error: unknown): void {
		this.host.logger.error(
			`INVERS Trigger: processing a message from queue "${delivery.queue}" failed: ${(error as Error).message}`,
		);
		const messageId = messageIdOf(delivery);
		const failures = this.countFailure(messageId, delivery);
		if (failures > 1 && messageId) this.failures.forget(messageId);
		this.answer(delivery, failures > 1 ? 'reject' : 'requeue');
	}

	/**
	 * The event's failed tries so far, this one included, as the trigger counted them: a redelivery
	 * after a dropped connection is no failed try (see FailedAttempts).
	 */
	private countFailure(eventId: string | undefined, delivery: Delivery): number {
		// Without an ID there is nothing to count by: the broker's flag is all there is.
		if (!eventId) return delivery.redelivered ? 2 : 1;
		return this.failures.fail(eventId);
	}

	/** The settlement after an execution; a requeued event's failures are remembered for its retry. */
	private settle(delivery: Delivery, eventId: string | undefined, outcome: ExecutionOutcome) {
		const { ackMode, onFailure } = this.settings;
		const failed = ackMode === 'executionSucceeded' && outcome !== 'success';
		const failures = failed ? this.countFailure(eventId, delivery) : 0;
		const settlement = settlementFor(ackMode, outcome, failures, onFailure);
		if (eventId && settlement !== 'requeue') this.failures.forget(eventId);
		return settlement;
	}

	/** One delivery less in flight. */
	private readonly handled = (): void => {
		this.active--;
		if (this.active === 0) this.wakeIdleWaiters();
	};

	/** Undefined when the delivery was answered (or parked) synchronously. */
	private process(delivery: Delivery): Promise<void> | undefined {
		this.stats.received++;
		if (this.closing || (this.manual && this.manualEmitted)) {
			this.answer(delivery, 'requeue');
			return undefined;
		}
		const { content, properties } = delivery.message;
		if (content.length > this.settings.maxMessageBytes) {
			return this.malformed(delivery, 'tooLarge');
		}
		const parsed = parseEvent(content, properties);
		if (!parsed.ok) return this.malformed(delivery, parsed.reason);
		const event = parsed.event;
		const filteredBy = filterOutReason(event, this.settings.filter);
		if (filteredBy) {
			// Still useful to the cache: a filtered-out VehicleChanged tells the current vehicle.
			this.rememberVehicle(event);
			this.stats.filtered++;
			this.answer(delivery, 'ack');
			this.host.logger.debug('INVERS Trigger: event filtered out', {
				eventId: event.id,
				eventType: event.type,
				filteredBy,
			});
			return undefined;
		}
		if (this.dedupe) {
			const verdict = this.dedupe.check(event.id, delivery);
			if (verdict.kind === 'duplicate') {
				this.stats.duplicates++;
				this.answer(delivery, 'ack');
				this.host.logger.debug('INVERS Trigger: duplicate event acknowledged', {
					eventId: event.id,
				});
				return undefined;
			}
			// A copy of an event still running: it is answered together with the original.
			if (verdict.kind === 'parked') return undefined;
		}
		// Watched conditions: evaluated here, synchronously and in delivery order, before the
		// execution starts, so the result is the same whatever the parallel limit and ack mode.
		// `redelivered`, not the failure count: any copy coming back unanswered, after a failed try
		// or after a drop, must start the transitions its first delivery recorded.
		let evaluation: Evaluation | undefined;
		if (this.conditions) {
			evaluation = this.conditions.check(event, delivery.redelivered);
			this.stats.watchedVehicles = this.conditions.watchedVehicles;
			this.stats.forgottenVehicles = this.conditions.forgottenVehicles;
			if (!evaluation) return this.noTransition(delivery, event);
		}
		let started = false;
		try {
			const pending = this.startExecution(delivery, event, evaluation);
			started = true;
			return pending;
		} finally {
			// Failed unexpectedly: copies parked on this event must not wait for an answer forever.
			if (!started) this.releaseParked(event.id);
		}
	}

	/** Watched conditions: an event that changed none is handled, like a filtered one. */
	private noTransition(delivery: Delivery, event: ParsedEvent): undefined {
		this.stats.noTransition!++;
		this.answer(delivery, 'ack');
		this.ackCopies(event.id);
		return undefined;
	}

	/** The event counts as processed: copies that arrived meanwhile are acknowledged duplicates. */
	private ackCopies(eventId: string): void {
		for (const copy of this.dedupe?.finish(eventId, true) ?? NO_COPIES) {
			this.stats.duplicates++;
			this.answer(copy, 'ack');
		}
	}

	/** Forgets an event that did not run, returning copies parked on it to the queue. */
	private releaseParked(eventId: string): void {
		for (const copy of this.dedupe?.finish(eventId, false) ?? []) this.answer(copy, 'requeue');
	}

	/** Undefined when nothing is left to wait for (acknowledged immediately). */
	private startExecution(
		delivery: Delivery,
		event: ParsedEvent,
		evaluation?: Evaluation,
	): Promise<void> | undefined {
		if (!this.slots) return this.startNow(delivery, event, evaluation);
		return this.whenSlotFree(delivery, event.id, () => this.startNow(delivery, event, evaluation));
	}

	/**
	 * Acknowledge Immediately: takes an execution slot, waiting unacknowledged while all are busy,
	 * then acknowledges and starts. Closing, or a channel lost meanwhile, returns the delivery.
	 */
	private whenSlotFree(
		delivery: Delivery,
		eventId: string | undefined,
		start: () => Promise<void> | undefined,
	): Promise<void> | undefined {
		const slots = this.slots!;
		const slot = slots.acquire();
		if (!slot) return this.ackAndStart(delivery, start);
		return slot.then((acquired) => {
			if (acquired && delivery.isLive && !this.closing) return this.ackAndStart(delivery, start);
			if (acquired) slots.release();
			this.answer(delivery, 'requeue');
			if (eventId) this.releaseParked(eventId);
			return undefined;
		});
	}

	/** The slot is freed when the execution ends (runImmediately), or here if starting failed. */
	private ackAndStart(
		delivery: Delivery,
		start: () => Promise<void> | undefined,
	): Promise<void> | undefined {
		this.answer(delivery, 'ack');
		let started = false;
		try {
			const pending = start();
			started = true;
			return pending;
		} finally {
			if (!started) this.slots!.release();
		}
	}

	private startNow(
		delivery: Delivery,
		event: ParsedEvent,
		evaluation?: Evaluation,
	): Promise<void> | undefined {
		if (this.manual) {
			this.manualEmitted = true;
			this.host.onManualEmit?.();
		}
		if (this.slots) {
			this.ackCopies(event.id);
			this.conditions?.answered(event.id, 'ack');
		}
		this.rememberVehicle(event);
		const item = eventToItem(event, delivery, this.settings);
		if (this.needsEnrichment(event)) {
			// Include Vehicle: the only step before the execution that waits (a REST request).
			return this.enrichAndRun(delivery, event, item, evaluation);
		}
		return this.run(delivery, event, item, evaluation);
	}

	private async enrichAndRun(
		delivery: Delivery,
		event: ParsedEvent,
		item: IDataObject,
		evaluation?: Evaluation,
	): Promise<void> {
		let ran = false;
		try {
			await this.enrich(event, item);
			if (this.closing && this.settings.ackMode !== 'immediately') {
				// Deactivated while the vehicle was fetched: leave the event to the next consumer.
				this.answer(delivery, 'requeue');
				this.releaseParked(event.id);
				ran = true;
				return;
			}
			const pending = this.run(delivery, event, item, evaluation);
			ran = true;
			await pending;
		} finally {
			if (!ran) this.releaseParked(event.id);
		}
	}

	/**
	 * Emits the item (with watched conditions, one item per transition); unless acknowledged
	 * already, answers once the execution ended.
	 */
	private run(
		delivery: Delivery,
		event: ParsedEvent,
		item: IDataObject,
		evaluation?: Evaluation,
	): Promise<void> | undefined {
		const mode = this.settings.ackMode;
		const items = evaluation ? this.conditions!.items(item, evaluation) : item;
		const eventId = event.id;
		if (mode === 'immediately') return this.runImmediately(items, eventId);
		// Only the delivery and the ID wait with the run (see watch).
		return this.execute(items, eventId).then((outcome) =>
			this.answerRun(delivery, eventId, outcome),
		);
	}

	/** The run ended: answers the delivery, and copies parked on its event, as the mode says. */
	private answerRun(delivery: Delivery, eventId: string, outcome: ExecutionOutcome): void {
		let completed = false;
		try {
			const settlement = this.settle(delivery, eventId, outcome);
			this.answer(delivery, settlement);
			this.conditions?.answered(eventId, settlement);
			// Copies (redelivered by a reconnect) share the event's outcome and its try count.
			const parked = this.dedupe?.finish(eventId, settlement === 'ack') ?? NO_COPIES;
			for (const copy of parked) {
				if (settlement === 'ack') this.stats.duplicates++;
				this.answer(copy, settlement);
			}
			completed = true;
		} finally {
			// Failed unexpectedly: copies parked on this event must not wait for an answer forever.
			if (!completed) this.releaseParked(eventId);
		}
	}

	/** Acknowledged already: the slot is freed when the execution ends. */
	private runImmediately(item: IDataObject | IDataObject[], eventId?: string): undefined {
		void this.execute(item, eventId).then(this.slots!.release);
		return undefined;
	}

	/** Undefined when answered at once; otherwise resolves once the error item's run ended. */
	private malformed(delivery: Delivery, reason: string): Promise<void> | undefined {
		this.stats.malformed++;
		const messageId = messageIdOf(delivery);
		this.logMalformed(delivery, reason, messageId);
		if (this.settings.onMalformed === 'reject' || this.manual) {
			// Manual test runs wait for a real event; a malformed one is rejected, not shown.
			this.answer(delivery, 'reject');
			return undefined;
		}
		const item: IDataObject = {
			error: MALFORMED_TEXT[reason] ?? 'The message is malformed',
			reason,
			message_id: messageId ?? null,
			size_bytes: delivery.message.content.length,
			queue: delivery.queue,
			redelivered: delivery.redelivered,
		};
		if (this.slots) {
			return this.whenSlotFree(delivery, undefined, () => this.runImmediately(item, messageId));
		}
		return this.execute(item, messageId).then((outcome) =>
			this.answer(delivery, this.settle(delivery, messageId, outcome)),
		);
	}

	/** Ids and sizes only: the payload may hold personal or secret data. */
	private logMalformed(delivery: Delivery, reason: string, messageId: string | undefined): void {
		const bytes = delivery.message.content.length;
		const outcome =
			this.settings.onMalformed === 'reject' || this.manual
				? 'rejected (dead-lettered when the queue has a dead-letter exchange)'
				: 'passed on as an error item';
		if (reason !== 'tooLarge') {
			this.host.logger.warn(
				`INVERS Trigger: malformed message in queue "${delivery.queue}" (${reason}), ${outcome}`,
				{ messageId, bytes, reason },
			);
			return;
		}
		// An error, not a warning: a real event is not processed until the limit is raised.
		const limitKb = this.settings.maxMessageBytes / 1024;
		this.host.logger.error(
			`INVERS Trigger: event ${messageId ?? '(no message ID)'} in queue "${delivery.queue}" is ${bytes} bytes, more than the Max Message Size (KB) option allows (${limitKb} KB); it was ${outcome}. Raise "Max Message Size (KB)" to process events this large`,
			{ messageId, bytes, maxBytes: this.settings.maxMessageBytes, reason },
		);
	}

	private rememberVehicle(event: ParsedEvent): void {
		if (!this.vehicles || event.type !== events.types.vehicleChanged) return;
		if (!isInterpretable(event)) return;
		const vehicleId = eventVehicleId(event);
		if (vehicleId) this.vehicles.replace(vehicleId, event.data.vehicle);
	}

	/** Include Vehicle, for a state event that names its vehicle. */
	private needsEnrichment(event: ParsedEvent): boolean {
		return (
			!!this.vehicles &&
			event.type === events.types.vehicleStateRecorded &&
			eventVehicleId(event) !== undefined
		);
	}

	/** Include Vehicle: a failed fetch never loses the event, it is reported on the item. */
	private async enrich(event: ParsedEvent, item: IDataObject): Promise<void> {
		const vehicleId = eventVehicleId(event);
		if (!this.vehicles || !vehicleId) return;
		try {
			item.vehicle = await this.vehicles.get(vehicleId);
		} catch (error) {
			const failure = error as { message?: string; httpCode?: string };
			item.vehicle = null;
			item.enrichment_error = `Fetching vehicle ${vehicleId} failed${failure.httpCode ? ` (HTTP ${failure.httpCode})` : ''}: ${failure.message ?? 'unknown error'}`;
		}
	}

	private emit(item: IDataObject | IDataObject[], done?: DeferredRun): void {
		this.stats.emitted++;
		const items = Array.isArray(item) ? item.map((json) => ({ json })) : [{ json: item }];
		this.host.emit([items], done);
	}

	/** Starts the execution and waits for it, at most the execution timeout. Never rejects. */
	private execute(
		item: IDataObject | IDataObject[],
		eventId: string | undefined,
	): Promise<ExecutionOutcome> {
		const done = this.host.createDeferred();
		const running = this.watch(done, eventId);
		try {
			this.emit(item, done);
		} catch (error) {
			this.host.logger.error(
				`INVERS Trigger: starting the workflow failed: ${(error as Error).message}`,
			);
			running.finish('failure');
		}
		return running.outcome;
	}

	/**
	 * The wait for one run, built where the item is out of scope: what waits holds the event ID,
	 * not the event or its item (a closure keeps its whole scope alive, and a waiting closure
	 * that V8 has moved to the old generation kept each event's objects there until the next
	 * full collection: bench:trigger's peak RSS).
	 */
	private watch(done: DeferredRun, eventId: string | undefined): Running {
		let resolve: (outcome: ExecutionOutcome) => void = () => undefined;
		const running: Running = {
			// Fields the list sets, present from the start: one object shape for every run.
			previous: undefined,
			next: undefined,
			deadline: Date.now() + this.settings.executionTimeoutMs,
			outcome: new Promise<ExecutionOutcome>((settle) => (resolve = settle)),
			finish: (outcome) => {
				// The first end counts: the run, the timeout sweeper or dispose.
				if (!this.running.delete(running)) return;
				if (outcome === 'timeout' && !this.disposed) this.timedOut(eventId);
				resolve(outcome);
			},
		};
		this.running.add(running);
		this.startSweeper();
		done.promise.then(
			(run) => running.finish(outcomeOfRun(run)),
			() => running.finish('failure'),
		);
		return running;
	}

	private timedOut(eventId: string | undefined): void {
		this.stats.timedOut++;
		this.host.logger.warn(
			`INVERS Trigger: execution of event ${eventId ?? '(no id)'} did not finish within ${this.settings.executionTimeoutMs / 1000} s; releasing the event as the acknowledge mode says`,
		);
	}

	/** One timer for all running executions instead of one per event. */
	private startSweeper(): void {
		if (this.sweeper) return;
		const period = Math.min(5_000, Math.max(50, this.settings.executionTimeoutMs / 4));
		const sweeper = new AbortController();
		this.sweeper = sweeper;
		void (async () => {
			while (await cancellableDelay(period, sweeper.signal)) {
				const now = Date.now();
				this.running.forEach((running) => {
					if (running.deadline <= now) running.finish('timeout');
				});
			}
		})();
	}

	private answer(delivery: Delivery, settlement: Settlement): void {
		if (delivery.isSettled) return;
		if (!delivery.settle(settlement)) {
			this.stats.stale++;
			return;
		}
		if (settlement === 'ack') this.stats.acked++;
		else if (settlement === 'requeue') this.stats.requeued++;
		else this.stats.rejected++;
	}

	/** Closing: no new executions start; deliveries still arriving go back to the queue. */
	beginClose(): void {
		this.closing = true;
		this.slots?.cancelWaiting();
	}

	/** Waits until every delivery was answered, at most `timeoutMs`; returns how many are left. */
	async drain(timeoutMs: number): Promise<number> {
		if (this.active === 0) return 0;
		const abort = new AbortController();
		await Promise.race([
			new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
			cancellableDelay(timeoutMs, abort.signal),
		]);
		abort.abort();
		return this.active;
	}

	/** Ends the waits of executions still running (their channel is closed: nothing is sent). */
	dispose(): void {
		this.disposed = true;
		this.sweeper?.abort();
		this.sweeper = undefined;
		this.running.forEach((running) => running.finish('timeout'));
		this.wakeIdleWaiters();
	}

	private wakeIdleWaiters(): void {
		const waiters = this.idleWaiters;
		this.idleWaiters = [];
		for (const wake of waiters) wake();
	}
}

/** The event ID as the AMQP properties carry it (INVERS sets message_id to metadata.id). */
function messageIdOf(delivery: Delivery): string | undefined {
	const messageId: unknown = delivery.message.properties.messageId;
	return typeof messageId === 'string' && messageId ? messageId : undefined;
}
