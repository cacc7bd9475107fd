/**
 * Failed executions per event ID, counted by the trigger itself, for "Requeue Once".
 *
 * The broker cannot tell: its `redelivered` flag is set by every return of a message, also when a
 * connection dropped or a channel closed, and a quorum queue's `x-delivery-count` counts those
 * returns too (RabbitMQ 3.10: a channel close raises it like a requeue). Counting on either lets
 * a reconnect use up an event's retry, so its first real failure would dead-letter it.
 *
 * Only events whose last execution failed are kept, until they are settled for good; the map is
 * capped (least recently failed dropped first), so a flood of failures cannot grow it without end.
 * A dropped or forgotten entry only means one more try, never a lost event.
 */
/** At most this many failed events are remembered (oldest dropped first). */
export const FAILED_EVENTS_MAX_ENTRIES = 10_000;

export class FailedAttempts {
	private readonly failures = new Map<string, number>();

	constructor(private readonly maxEntries = FAILED_EVENTS_MAX_ENTRIES) {}

	get size(): number {
		return this.failures.size;
	}

	/** Counts a failed execution of the event; returns its failures so far, this one included. */
	fail(eventId: string): number {
		const count = (this.failures.get(eventId) ?? 0) + 1;
		// Re-inserted: the map's order is the order of the last failure (oldest first).
		this.failures.delete(eventId);
		if (this.failures.size >= this.maxEntries) {
			const oldest = this.failures.keys().next();
			if (!oldest.done) this.failures.delete(oldest.value);
		}
		this.failures.set(eventId, count);
		return count;
	}

	/** The event was acknowledged or rejected: it will not come back for another try. */
	forget(eventId: string): void {
		this.failures.delete(eventId);
	}
}
