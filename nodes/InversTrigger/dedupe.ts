/**
 * De-duplication of events by event id (`metadata.id`), bounded in size and time.
 *
 * INVERS delivers at least once, and every broker reconnect redelivers what was not acknowledged
 * yet. An entry is `inFlight` while the event's execution runs; a copy arriving then is parked on
 * the entry and settled together with the original (so a reconnect does not start the workflow a
 * second time). After a processed outcome the entry is `done` and later copies are acknowledged
 * as duplicates. After a failed outcome the entry is removed, so a redelivery is a real retry.
 */
export interface DedupeEntry<T> {
	state: 'inFlight' | 'done';
	/** Copies that arrived while the original was in flight. */
	parked: T[];
	at: number;
}

export type DedupeVerdict<T> =
	| { kind: 'new' }
	| { kind: 'duplicate' }
	| { kind: 'parked'; entry: DedupeEntry<T> };

export class DedupeWindow<T> {
	private readonly entries = new Map<string, DedupeEntry<T>>();

	constructor(
		private readonly maxEntries: number,
		private readonly windowMs: number,
		private readonly now: () => number = Date.now,
	) {}

	get size(): number {
		return this.entries.size;
	}

	/** Registers an event id; tells whether it is new, a finished duplicate, or parked. */
	check(id: string, copy: T): DedupeVerdict<T> {
		this.evict();
		const entry = this.entries.get(id);
		if (!entry) {
			this.entries.set(id, { state: 'inFlight', parked: [], at: this.now() });
			return { kind: 'new' };
		}
		if (entry.state === 'done') return { kind: 'duplicate' };
		entry.parked.push(copy);
		return { kind: 'parked', entry };
	}

	/**
	 * Ends the in-flight state of `id` and hands back the copies parked meanwhile.
	 * `processed` keeps the id as done (later copies are duplicates); otherwise it is forgotten.
	 */
	finish(id: string, processed: boolean): T[] {
		const entry = this.entries.get(id);
		if (!entry) return [];
		const parked = entry.parked;
		entry.parked = [];
		if (processed) {
			// Re-insert so the map's insertion order stays the order of completion (eviction order).
			this.entries.delete(id);
			this.entries.set(id, { state: 'done', parked: [], at: this.now() });
		} else {
			this.entries.delete(id);
		}
		return parked;
	}

	/** Drops done entries beyond the size bound or older than the window; in-flight ones stay. */
	private evict(): void {
		const oldestAllowed = this.now() - this.windowMs;
		for (const [id, entry] of this.entries) {
			const tooMany = this.entries.size >= this.maxEntries;
			if (!tooMany && entry.at >= oldestAllowed) break;
			if (entry.state === 'done') this.entries.delete(id);
			else if (!tooMany) break;
		}
	}
}
