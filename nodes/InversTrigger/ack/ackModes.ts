import type { IRun } from 'n8n-workflow';

/** When a delivery is acknowledged. */
export type AckMode = 'executionFinished' | 'executionSucceeded' | 'immediately';
/** What "only when it succeeds" does with a failed (or timed-out) execution. */
export type FailureAction = 'requeueOnce' | 'deadLetter';

/** How the execution of one event ended, as far as the trigger can tell. */
export type ExecutionOutcome = 'success' | 'failure' | 'timeout';

/**
 * What happens to the delivery:
 * - `ack`: done, removed from the queue;
 * - `requeue`: back to the queue for another try;
 * - `reject`: removed; RabbitMQ dead-letters it when the queue has a dead-letter exchange.
 */
export type Settlement = 'ack' | 'requeue' | 'reject';

/** A run tells failure through its error or its status. */
export function outcomeOfRun(run: IRun | undefined): ExecutionOutcome {
	if (!run) return 'failure';
	if (run.data?.resultData?.error) return 'failure';
	if (run.status === 'error' || run.status === 'crashed' || run.status === 'canceled') {
		return 'failure';
	}
	return 'success';
}

/**
 * The settlement of a delivery after its execution.
 * - "When execution finishes": every end acknowledges, a timeout too (the execution got the
 *   event; another copy would run the workflow twice).
 * - "Only when it succeeds": a failure or timeout is requeued once and then rejected, or rejected
 *   at once; a poison message therefore never loops. `failures` counts the event's failed
 *   executions, this one included (see FailedAttempts: not the broker's redelivery flag).
 */
export function settlementFor(
	mode: AckMode,
	outcome: ExecutionOutcome,
	failures: number,
	onFailure: FailureAction,
): Settlement {
	if (mode !== 'executionSucceeded' || outcome === 'success') return 'ack';
	if (onFailure === 'requeueOnce' && failures <= 1) return 'requeue';
	return 'reject';
}
