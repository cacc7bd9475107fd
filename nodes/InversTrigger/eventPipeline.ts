import type { IDataObject, Logger } from 'n8n-workflow';

import type { ExecutionOutcome } from './ack/ackModes';
import { ExecutionSlots } from './ack/executionSlots';
import type { Delivery } from './amqp/delivery';
import type { AnswerCounts } from './answers';
import { DeliveryAnswers } from './answers';
import { Batcher } from './batching/batcher';
import { latestPerVehicle } from './batching/latestPerVehicle';
import type { Evaluation } from './conditions/evaluator';
import { ConditionWatcher } from './conditions/watcher';
import { DedupeWindow } from './dedupe';
import { VehicleCache } from './enrichment/vehicleCache';
import type { ExecutionHost, RunLimits } from './executions';
import { Executions } from './executions';
import { filterOutReason } from './events/filters';
import type { ParsedEvent } from './events/parseEvent';
import { eventVehicle, eventVehicleId, isKnownType, parseEvent } from './events/parseEvent';
import { eventToItem } from './events/toItem';
import { FutureClock } from './futureClock';
import type { TriggerSettings } from './settings';
import { DEDUPE_MAX_BYTES } from './settings';
import { cancellableDelay } from './timers';

export type { DeferredRun } from './executions';

/** What the pipeline needs from the trigger context. */
export interface PipelineHost extends ExecutionHost {
	logger: Logger;
	/** Fetches a vehicle through the REST API (Include Vehicle). */
	fetchVehicle?: (vehicleId: string) => Promise<IDataObject>;
	/** Manual test run: called once the one event (or batch) was emitted. */
	onManualEmit?: () => void;
}

export interface PipelineStats extends AnswerCounts {
	received: number;
	/** Executions started. */
	emitted: number;
	filtered: number;
	malformed: number;
	/** Events of a known type in a layout the trigger cannot read (passed on or counted). */
	unreadable: number;
	timedOut: number;
	/** Watched conditions only: events that started nothing (acknowledged), vehicles remembered. */
	noTransition?: number;
	watchedVehicles?: number;
	forgottenVehicles?: number;
	/** Watched conditions and Latest per Vehicle: values stamped too far ahead, ignored. */
	futureTimestamps?: number;
}

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
 * de-duplication, then one of the three ways to start the workflow (for every event, when a
 * watched condition changes, in batches) and the answer the acknowledge mode asks for. Answers
 * go out through DeliveryAnswers alone: every delivery gets exactly one, whatever happens (n8n's
 * RabbitMQ trigger failure #1).
 */
export class EventPipeline {
	readonly stats: PipelineStats = {
		received: 0,
		emitted: 0,
		filtered: 0,
		duplicates: 0,
		malformed: 0,
		unreadable: 0,
		acked: 0,
		requeued: 0,
		rejected: 0,
		timedOut: 0,
		stale: 0,
	};

	private active = 0;
	private idleWaiters: Array<() => void> = [];
	private closing = false;
	private manualEmitted = false;
	private readonly answers: DeliveryAnswers;
	private readonly executions: Executions;
	private readonly dedupe?: DedupeWindow<Delivery>;
	private readonly vehicles?: VehicleCache;
	private readonly conditions?: ConditionWatcher;
	private readonly batcher?: Batcher;
	private readonly clock: FutureClock;
	/** Acknowledge Immediately, one execution per event: the parallel limit the prefetch cannot enforce. */
	private readonly slots?: ExecutionSlots;
	/** How long a run is waited for; Acknowledge Immediately keeps its slot up to twice as long. */
	private readonly limits: RunLimits;
	private readonly immediateLimits: RunLimits;
	/** Type and version pairs whose unreadable layout was logged already. */
	private readonly unreadableReported = new Set<string>();

	constructor(
		private readonly settings: TriggerSettings,
		private readonly host: PipelineHost,
		private readonly manual: boolean,
	) {
		const { logger } = host;
		this.executions = new Executions(host);
		this.limits = { timeoutMs: settings.executionTimeoutMs };
		this.immediateLimits = {
			timeoutMs: 2 * settings.executionTimeoutMs,
			warnAfterMs: settings.executionTimeoutMs,
		};
		this.clock = new FutureClock((message) => logger.warn(message));
		if (settings.deduplicate) {
			this.dedupe = new DedupeWindow<Delivery>(settings.dedupeWindowMs, {
				maxBytes: DEDUPE_MAX_BYTES,
				onShortened: (message) => logger.warn(message),
			});
		}
		if (settings.includeVehicle && host.fetchVehicle && !settings.batch) {
			this.vehicles = new VehicleCache(settings.vehicleCacheTtlMs, host.fetchVehicle);
		}
		if (settings.conditions) {
			this.conditions = new ConditionWatcher(settings.conditions, logger, this.clock);
			Object.assign(this.stats, {
				noTransition: 0,
				watchedVehicles: 0,
				forgottenVehicles: 0,
				futureTimestamps: 0,
			});
		}
		this.answers = new DeliveryAnswers(settings, this.stats, this.dedupe, this.conditions);
		if (settings.batch) {
			const batch = settings.batch;
			if (batch.latestPerVehicle) this.stats.futureTimestamps = 0;
			this.batcher = new Batcher(batch, {
				answers: this.answers,
				executions: this.executions,
				acknowledgeAtStart: settings.ackMode === 'immediately',
				executionTimeoutMs: settings.executionTimeoutMs,
				itemsOf: batch.latestPerVehicle
					? (members) => latestPerVehicle(members, settings, this.clock)
					: (members) => members.map((m) => eventToItem(m.event, m.delivery, settings)),
				onStart: () => this.emittedForTestRun(),
				logger,
			});
		}
		if (settings.ackMode === 'immediately') {
			// In batch mode only malformed messages passed on as error items run one by one.
			this.slots = new ExecutionSlots(settings.batch?.parallel ?? settings.prefetch);
		}
	}

	/** The counters, with those kept elsewhere brought up to date (for the trigger's log). */
	snapshot(): PipelineStats {
		this.stats.emitted = this.executions.started;
		this.stats.timedOut = this.executions.timedOut;
		if (this.stats.futureTimestamps !== undefined) {
			this.stats.futureTimestamps = this.clock.refused;
		}
		if (this.conditions) {
			this.stats.watchedVehicles = this.conditions.watchedVehicles;
			this.stats.forgottenVehicles = this.conditions.forgottenVehicles;
		}
		return { ...this.stats };
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

	private processingFailed(delivery: Delivery, error: unknown): void {
		this.host.logger.error(
			`INVERS Trigger: processing a message from queue "${delivery.queue}" failed: ${(error as Error).message}`,
		);
		this.answers.failedUnexpectedly(delivery, delivery.eventId ?? messageIdOf(delivery));
	}

	/** One delivery less in flight. */
	private readonly handled = (): void => {
		this.active--;
		if (this.active === 0) this.wakeIdleWaiters();
	};

	/** Undefined when the delivery was answered synchronously, or waits parked on its original. */
	private process(delivery: Delivery): Promise<void> | undefined {
		this.stats.received++;
		if (this.closing || (this.manual && this.manualEmitted)) {
			this.answers.returnUnread(delivery);
			return undefined;
		}
		const { content, properties } = delivery.message;
		if (content.length > this.settings.maxMessageBytes) {
			return this.malformed(delivery, 'tooLarge');
		}
		const parsed = parseEvent(content, properties);
		if (!parsed.ok) return this.malformed(delivery, parsed.reason);
		const event = parsed.event;
		delivery.eventId = event.id;
		const filteredBy = filterOutReason(event, this.settings.filter);
		if (filteredBy) {
			// Still useful to the cache: a filtered-out VehicleChanged tells the current vehicle.
			this.rememberVehicle(event);
			this.stats.filtered++;
			this.answers.skip(delivery);
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
				this.answers.duplicate(delivery);
				this.host.logger.debug('INVERS Trigger: duplicate event acknowledged', {
					eventId: event.id,
				});
				return undefined;
			}
			// A copy of an event in flight: it is answered together with the original.
			if (verdict.kind === 'parked') return undefined;
		}
		if (!event.layout && isKnownType(event)) {
			this.unreadable(event);
			if (this.conditions) {
				this.answers.handledWithoutRun(delivery, event.id);
				return undefined;
			}
		}
		if (this.batcher) return this.batcher.add({ delivery, event });
		// Watched conditions: evaluated here, synchronously and in delivery order, before the
		// execution starts, so the result is the same whatever the parallel limit and ack mode.
		// `redelivered`, not the failure count: any copy coming back unanswered, after a failed try
		// or after a drop, must start the transitions its first delivery recorded.
		let evaluation: Evaluation | undefined;
		if (this.conditions) {
			evaluation = this.conditions.check(event, delivery.redelivered);
			if (!evaluation) {
				this.stats.noTransition!++;
				this.answers.handledWithoutRun(delivery, event.id);
				return undefined;
			}
		}
		return this.startSingle(delivery, event, evaluation);
	}

	/**
	 * A known type whose data the trigger cannot read (a layout INVERS has not documented yet):
	 * never acknowledged as if nothing happened. Counted, and logged once per type and version
	 * with what the trigger does with it.
	 */
	private unreadable(event: ParsedEvent): void {
		this.stats.unreadable++;
		const version = event.schemaMajorVersion ?? 'none';
		const key = `${event.type}\u0000${version}`;
		if (this.unreadableReported.has(key)) return;
		this.unreadableReported.add(key);
		const done = this.conditions
			? 'acknowledged without starting the workflow (watched conditions cannot read them)'
			: this.batcher
				? 'passed on in their batch as received, under `data`, never merged'
				: 'passed on as received, under `data`';
		this.host.logger.warn(
			`INVERS Trigger: cannot read ${event.type} of schema major version ${version} (event ${event.id}): its data has no ${event.type === 'VehicleChanged' ? '`vehicle`' : '`vehicle_id` and `vehicle_state`'}. Such events are ${done}; they are counted as unreadable in the trigger's log. Tell the package's maintainers which version INVERS sends.`,
			{ eventType: event.type, schemaMajorVersion: event.schemaMajorVersion },
		);
	}

	/** One execution for one event, now or (Acknowledge Immediately) when a slot is free. */
	private startSingle(
		delivery: Delivery,
		event: ParsedEvent,
		evaluation?: Evaluation,
	): Promise<void> | undefined {
		// The common case builds nothing to wait with: thousands of events a second pass here.
		if (!this.slots) return this.prepareAndRun(delivery, event, evaluation);
		return this.whenSlotFree(delivery, event.id, () =>
			this.prepareAndRun(delivery, event, evaluation),
		);
	}

	/**
	 * Acknowledge Immediately: takes an execution slot, waiting unacknowledged while all are busy,
	 * then acknowledges and starts. Closing, or a channel lost meanwhile, returns the delivery.
	 * Other modes start at once: the prefetch bounds their executions.
	 */
	private whenSlotFree(
		delivery: Delivery,
		eventId: string | undefined,
		start: () => Promise<void> | undefined,
	): Promise<void> | undefined {
		const slots = this.slots;
		if (!slots) return start();
		const slot = slots.acquire();
		if (!slot) return this.acknowledgeAndStart(delivery, eventId, start);
		return slot.then((acquired) => {
			if (acquired && delivery.isLive && !this.closing) {
				return this.acknowledgeAndStart(delivery, eventId, start);
			}
			if (acquired) slots.release();
			this.answers.notRun(delivery, eventId);
			return undefined;
		});
	}

	/** The slot is freed when the execution ends (see `run`), or here if it never started. */
	private acknowledgeAndStart(
		delivery: Delivery,
		eventId: string | undefined,
		start: () => Promise<void> | undefined,
	): Promise<void> | undefined {
		this.answers.acceptBeforeRun(delivery, eventId);
		let started = false;
		try {
			const pending = start();
			started = true;
			return pending;
		} finally {
			if (!started) this.slots!.release();
		}
	}

	private prepareAndRun(
		delivery: Delivery,
		event: ParsedEvent,
		evaluation?: Evaluation,
	): Promise<void> | undefined {
		this.emittedForTestRun();
		this.rememberVehicle(event);
		const item = eventToItem(event, delivery, this.settings);
		const items = evaluation ? this.conditions!.items(item, evaluation) : item;
		if (this.needsEnrichment(event)) {
			// Include Vehicle: the only step before the execution that waits (a REST request).
			return this.enrichAndRun(delivery, event, item, items);
		}
		return this.run(delivery, event.id, items);
	}

	private async enrichAndRun(
		delivery: Delivery,
		event: ParsedEvent,
		item: IDataObject,
		items: IDataObject | IDataObject[],
	): Promise<void> {
		await this.enrich(event, item);
		if (this.closing && !this.slots) {
			// Deactivated while the vehicle was fetched: leave the event to the next consumer.
			this.answers.notRun(delivery, event.id);
			return;
		}
		await this.run(delivery, event.id, items);
	}

	/** Emits the items; unless acknowledged already, answers once the execution ended. */
	private run(
		delivery: Delivery,
		eventId: string | undefined,
		items: IDataObject | IDataObject[],
	): Promise<void> | undefined {
		if (this.slots) {
			// Acknowledged already. The slot stays taken past the execution timeout, up to twice
			// it (then the run is taken as lost), so Parallel Executions holds for every real run.
			void this.executions.start(items, this.immediateLimits, eventId).then(this.slots.release);
			return undefined;
		}
		// Only the delivery and the ID wait with the run (see Executions.watch).
		return this.executions
			.start(items, this.limits, eventId)
			.then((outcome: ExecutionOutcome) => this.answers.ran(delivery, eventId, outcome));
	}

	/** A test run shows one event (or one batch): consumption ends once it was emitted. */
	private emittedForTestRun(): void {
		if (!this.manual || this.manualEmitted) return;
		this.manualEmitted = true;
		this.host.onManualEmit?.();
	}

	/** Undefined when answered at once; otherwise resolves once the error item's run ended. */
	private malformed(delivery: Delivery, reason: string): Promise<void> | undefined {
		this.stats.malformed++;
		const messageId = messageIdOf(delivery);
		this.logMalformed(delivery, reason, messageId);
		if (this.settings.onMalformed === 'reject' || this.manual) {
			// Manual test runs wait for a real event; a malformed one is rejected, not shown.
			this.answers.rejectMalformed(delivery);
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
		return this.whenSlotFree(delivery, messageId, () => this.run(delivery, messageId, item));
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
		if (!this.vehicles) return;
		const vehicle = eventVehicle(event);
		const vehicleId = vehicle && eventVehicleId(event);
		if (vehicleId) this.vehicles.replace(vehicleId, vehicle);
	}

	/** Include Vehicle, for a readable state event. */
	private needsEnrichment(event: ParsedEvent): boolean {
		return !!this.vehicles && event.layout === 'vehicleState';
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

	/** Closing: no new executions start; deliveries still arriving go back to the queue. */
	beginClose(): void {
		this.closing = true;
		this.batcher?.hold();
	}

	/**
	 * Closing, once the consumers are cancelled (a message returned earlier would come straight
	 * back to this consumer): events waiting for a slot or in a batch that did not start go back.
	 */
	returnWaiting(): void {
		this.slots?.cancelWaiting();
		this.batcher?.stop();
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
		this.executions.dispose();
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
