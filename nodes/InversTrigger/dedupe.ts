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
	/** Copies that arrived while the original was in flight (allocated for the first one). */
	parked?: T[];
	at: number;
}

export type DedupeVerdict<T> =
	| { kind: 'new' }
	| { kind: 'duplicate' }
	| { kind: 'parked'; entry: DedupeEntry<T> };

/** An entry in the age order (oldest first): a doubly linked list, so every step is O(1). */
interface Entry<T> extends DedupeEntry<T> {
	readonly id: string;
	older?: Entry<T>;
	newer?: Entry<T>;
}

// Shared answers: checking runs for every event, thousands per second.
const NEW: DedupeVerdict<never> = Object.freeze({ kind: 'new' });
const DUPLICATE: DedupeVerdict<never> = Object.freeze({ kind: 'duplicate' });
const NONE: readonly never[] = Object.freeze([]);

export class DedupeWindow<T> {
	private readonly entries = new Map<string, Entry<T>>();
	/**
	 * The age order is kept in a list of its own, not in the map's insertion order: a map from
	 * which the oldest entries are deleted keeps their slots until it is rehashed, so walking it
	 * from the front skipped thousands of deleted slots per event once the window was full.
	 */
	private oldest?: Entry<T>;
	private newest?: Entry<T>;

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
		const now = this.now();
		this.evict(now);
		const entry = this.entries.get(id);
		if (!entry) {
			const added: Entry<T> = {
				id,
				state: 'inFlight',
				parked: undefined,
				at: now,
				older: undefined,
				newer: undefined,
			};
			this.entries.set(id, added);
			this.append(added);
			return NEW;
		}
		if (entry.state === 'done') return DUPLICATE;
		(entry.parked ??= []).push(copy);
		return { kind: 'parked', entry };
	}

	/**
	 * Ends the in-flight state of `id` and hands back the copies parked meanwhile.
	 * `processed` keeps the id as done (later copies are duplicates); otherwise it is forgotten.
	 */
	finish(id: string, processed: boolean): readonly T[] {
		const entry = this.entries.get(id);
		if (!entry) return NONE;
		const parked = entry.parked ?? NONE;
		entry.parked = undefined;
		this.unlink(entry);
		if (processed) {
			// Moved to the newest end: the age order is the order of completion (eviction order).
			entry.state = 'done';
			entry.at = this.now();
			this.append(entry);
		} else {
			this.entries.delete(id);
		}
		return parked;
	}

	/** Drops done entries beyond the size bound or older than the window; in-flight ones stay. */
	private evict(now: number): void {
		const oldestAllowed = now - this.windowMs;
		let entry = this.oldest;
		while (entry) {
			const newer = entry.newer;
			const tooMany = this.entries.size >= this.maxEntries;
			if (!tooMany && entry.at >= oldestAllowed) break;
			if (entry.state === 'done') {
				this.unlink(entry);
				this.entries.delete(entry.id);
			} else if (!tooMany) break;
			entry = newer;
		}
	}

	private append(entry: Entry<T>): void {
		entry.older = this.newest;
		entry.newer = undefined;
		if (this.newest) this.newest.newer = entry;
		else this.oldest = entry;
		this.newest = entry;
	}

	private unlink(entry: Entry<T>): void {
		if (entry.older) entry.older.newer = entry.newer;
		else this.oldest = entry.newer;
		if (entry.newer) entry.newer.older = entry.older;
		else this.newest = entry.older;
		entry.older = undefined;
		entry.newer = undefined;
	}
}
