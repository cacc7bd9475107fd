import { RecentIds } from './recentIds';

/**
 * De-duplication of events by event id (`metadata.id`), for a window of time within a memory cap.
 *
 * INVERS delivers at least once, and every broker reconnect redelivers what was not acknowledged
 * yet. An id is in flight while the event's execution runs; a copy arriving then is parked on it
 * and settled together with the original (so a reconnect does not start the workflow a second
 * time). After a processed outcome the id is remembered as done for the window, and later copies
 * are acknowledged as duplicates. After a failed outcome it is forgotten, so a redelivery is a
 * real retry.
 *
 * The done ids are sized by time, not by count: every id of the window is kept, up to
 * `maxBytes`. Only an event rate too high for the cap shortens the window (the oldest ids go
 * first), and that is reported once through `onShortened`.
 */
export type DedupeVerdict<T> =
	| { kind: 'new' }
	| { kind: 'duplicate' }
	| { kind: 'parked'; copies: readonly T[] };

export interface DedupeOptions {
	/** The memory the done ids may take (see RecentIds for what is counted). */
	maxBytes: number;
	now?: () => number;
	/** Called once, the first time the cap made the window shorter than asked. */
	onShortened?: (message: string) => void;
	/** The ring's first size (tests start small to reach growth and wrap-around early). */
	initialSlots?: number;
}

// Shared answers: checking runs for every event, thousands per second.
const NEW: DedupeVerdict<never> = Object.freeze({ kind: 'new' });
const DUPLICATE: DedupeVerdict<never> = Object.freeze({ kind: 'duplicate' });
const NONE: readonly never[] = Object.freeze([]);

export class DedupeWindow<T> {
	/** Ids in flight → copies parked on them (null until the first copy: no allocation per event). */
	private readonly inFlight = new Map<string, T[] | null>();
	private readonly done: RecentIds;
	private readonly now: () => number;
	private shortenedReported = false;

	constructor(
		private readonly windowMs: number,
		private readonly options: DedupeOptions,
	) {
		this.done = new RecentIds(options.maxBytes, options.initialSlots);
		this.now = options.now ?? Date.now;
	}

	/** Ids remembered, in flight or done. */
	get size(): number {
		return this.inFlight.size + this.done.size;
	}

	/** Registers an event id; tells whether it is new, a finished duplicate, or parked. */
	check(id: string, copy: T): DedupeVerdict<T> {
		this.forgetExpired(this.now());
		const parked = this.inFlight.get(id);
		if (parked !== undefined) {
			const copies = parked ?? [];
			copies.push(copy);
			if (!parked) this.inFlight.set(id, copies);
			return { kind: 'parked', copies };
		}
		if (this.done.has(id)) return DUPLICATE;
		this.inFlight.set(id, null);
		return NEW;
	}

	/**
	 * Ends the in-flight state of `id` and hands back the copies parked meanwhile.
	 * `processed` keeps the id as done (later copies are duplicates); otherwise it is forgotten.
	 */
	finish(id: string, processed: boolean): readonly T[] {
		const parked = this.inFlight.get(id);
		if (parked === undefined) return NONE;
		this.inFlight.delete(id);
		if (processed) this.remember(id, this.now());
		return parked ?? NONE;
	}

	private forgetExpired(now: number): void {
		const oldestAllowed = now - this.windowMs;
		for (let at = this.done.oldestAt(); at !== undefined && at < oldestAllowed; ) {
			this.done.dropOldest();
			at = this.done.oldestAt();
		}
	}

	/** Done ids are added in the order of completion, so the oldest is always at the front. */
	private remember(id: string, now: number): void {
		while (!this.done.add(id, now)) {
			const oldest = this.done.oldestAt();
			// Nothing left to drop: an id larger than the whole cap is not remembered.
			if (oldest === undefined) return;
			this.done.dropOldest();
			if (oldest >= now - this.windowMs) this.reportShortened(now - oldest);
		}
	}

	private reportShortened(coveredMs: number): void {
		if (this.shortenedReported) return;
		this.shortenedReported = true;
		this.options.onShortened?.(
			`INVERS Trigger: de-duplication covers only the last ${minutes(coveredMs)} of its ${minutes(this.windowMs)} window: at this event rate its memory cap of ${size(this.options.maxBytes)} holds ${this.done.size.toLocaleString('en')} event IDs; a copy redelivered later than that starts the workflow again`,
		);
	}
}

function size(bytes: number): string {
	return bytes >= 2 ** 20 ? `${Math.round(bytes / 2 ** 20)} MB` : `${Math.round(bytes / 1024)} KB`;
}

function minutes(ms: number): string {
	const value = ms / 60_000;
	return `${value < 10 ? value.toFixed(1) : Math.round(value)} min`;
}
