import type { AckMode, ExecutionOutcome, FailureAction, Settlement } from './ack/ackModes';
import { settlementFor } from './ack/ackModes';
import { FailedAttempts } from './ack/failedAttempts';
import type { Delivery } from './amqp/delivery';
import type { ConditionWatcher } from './conditions/watcher';
import type { DedupeWindow } from './dedupe';

/** The counters the answers keep (part of the trigger's stats). */
export interface AnswerCounts {
	acked: number;
	requeued: number;
	rejected: number;
	/** Answers not sent because the delivery's channel had died (the broker redelivers). */
	stale: number;
	/** Copies of an event already processed or in flight, acknowledged without a run. */
	duplicates: number;
}

/**
 * The one place that answers deliveries: every delivery gets exactly one answer, and every path
 * through the trigger ends in exactly one of these methods.
 *
 * | What happened to the delivery                               | Method               | Answer                              |
 * | ----------------------------------------------------------- | -------------------- | ----------------------------------- |
 * | arrived while closing, or after a test run's event          | `returnUnread`       | requeue                             |
 * | malformed, with On Malformed Message: Reject                | `rejectMalformed`    | reject (dead-letter)                |
 * | filtered out by event type, reason or vehicle               | `skip`               | ack                                 |
 * | copy of an event processed earlier                          | `duplicate`          | ack                                 |
 * | changed no watched condition, or unreadable there           | `handledWithoutRun`  | ack                                 |
 * | acknowledged as its execution starts (Acknowledge Immediately) | `acceptBeforeRun` | ack                                 |
 * | its execution ended (alone or in a batch)                   | `ran`                | as the acknowledge mode and outcome say |
 * | never started (closing, or its channel died while it waited) | `notRun`            | requeue                             |
 * | processing failed unexpectedly                              | `failedUnexpectedly` | requeue, the second time reject     |
 *
 * A copy of an event in flight (de-duplication parks it on the original) gets the original's
 * answer from the same call. The delivery itself ignores any second answer (`Delivery.settle`),
 * so even a mistake on a path cannot acknowledge a message twice or nack an acknowledged one.
 */
export class DeliveryAnswers {
	private readonly failures = new FailedAttempts();

	constructor(
		private readonly policy: { ackMode: AckMode; onFailure: FailureAction },
		private readonly counts: AnswerCounts,
		private readonly dedupe?: DedupeWindow<Delivery>,
		private readonly conditions?: ConditionWatcher,
	) {}

	returnUnread(delivery: Delivery): void {
		this.send(delivery, 'requeue');
	}

	rejectMalformed(delivery: Delivery): void {
		this.send(delivery, 'reject');
	}

	skip(delivery: Delivery): void {
		this.send(delivery, 'ack');
	}

	duplicate(delivery: Delivery): void {
		this.counts.duplicates++;
		this.send(delivery, 'ack');
	}

	/** Handled without an execution: done, like a filtered event; parked copies are duplicates. */
	handledWithoutRun(delivery: Delivery, eventId: string): void {
		this.send(delivery, 'ack');
		this.answerCopies(eventId, 'ack');
	}

	/** Acknowledge Immediately: acknowledged as its execution starts, copies with it. */
	acceptBeforeRun(delivery: Delivery, eventId: string | undefined): void {
		this.send(delivery, 'ack');
		if (eventId === undefined) return;
		this.answerCopies(eventId, 'ack');
		this.conditions?.answered(eventId, 'ack');
	}

	/** Its execution ended: the acknowledge mode decides, and copies share the answer. */
	ran(delivery: Delivery, eventId: string | undefined, outcome: ExecutionOutcome): void {
		const settlement = this.settlementAfter(delivery, eventId, outcome);
		this.send(delivery, settlement);
		if (eventId === undefined) return;
		this.conditions?.answered(eventId, settlement);
		this.answerCopies(eventId, settlement);
	}

	/**
	 * Never started: back to the queue with its copies, and not remembered as processed, so the
	 * next copy runs. Watched transitions stay recorded for that copy.
	 */
	notRun(delivery: Delivery, eventId: string | undefined): void {
		this.send(delivery, 'requeue');
		if (eventId !== undefined) this.answerCopies(eventId, 'requeue');
	}

	/** Unexpected: still answered, so the queue never stalls; a second failure dead-letters. */
	failedUnexpectedly(delivery: Delivery, eventId: string | undefined): void {
		const failures = this.countFailure(delivery, eventId);
		const settlement: Settlement = failures > 1 ? 'reject' : 'requeue';
		if (eventId !== undefined && settlement === 'reject') this.failures.forget(eventId);
		this.send(delivery, settlement);
		if (eventId !== undefined) this.answerCopies(eventId, settlement);
	}

	/** A requeued event's failed tries are remembered for its retry (Requeue Once). */
	private settlementAfter(
		delivery: Delivery,
		eventId: string | undefined,
		outcome: ExecutionOutcome,
	): Settlement {
		const { ackMode, onFailure } = this.policy;
		const failed = ackMode === 'executionSucceeded' && outcome !== 'success';
		const failures = failed ? this.countFailure(delivery, eventId) : 0;
		const settlement = settlementFor(ackMode, outcome, failures, onFailure);
		if (eventId !== undefined && settlement !== 'requeue') this.failures.forget(eventId);
		return settlement;
	}

	/**
	 * The event's failed tries so far, this one included, as the trigger counted them: a
	 * redelivery after a dropped connection is no failed try (see FailedAttempts).
	 */
	private countFailure(delivery: Delivery, eventId: string | undefined): number {
		// Without an ID there is nothing to count by: the broker's flag is all there is.
		if (eventId === undefined) return delivery.redelivered ? 2 : 1;
		return this.failures.fail(eventId);
	}

	private answerCopies(eventId: string, settlement: Settlement): void {
		const copies = this.dedupe?.finish(eventId, settlement === 'ack');
		if (!copies) return;
		for (const copy of copies) {
			if (settlement === 'ack') this.counts.duplicates++;
			this.send(copy, settlement);
		}
	}

	private send(delivery: Delivery, settlement: Settlement): void {
		if (delivery.isSettled) return;
		if (!delivery.settle(settlement)) {
			this.counts.stale++;
			return;
		}
		if (settlement === 'ack') this.counts.acked++;
		else if (settlement === 'requeue') this.counts.requeued++;
		else this.counts.rejected++;
	}
}
