/**
 * The ids of events handled recently, oldest first, each with the time it was added: a ring of
 * slots plus an open-addressing hash index into it (linear probing, deletion by backward shift, so
 * no tombstones pile up). Everything but the id strings lives in typed arrays that grow by
 * doubling, so a window of hundreds of thousands of ids costs a few flat arrays instead of one
 * map entry and one object per id, and the garbage collector has nothing to walk but the strings.
 *
 * Its memory is bounded by `maxBytes`, counted as the arrays' allocated size plus each id
 * string's size in V8; `add` refuses (returns false) when the id does not fit, and the caller
 * decides what to drop.
 */

/** Bytes per ring slot: id reference (8), time (8), hash (4), and two index cells (2 × 4). */
const BYTES_PER_SLOT = 28;
/** A V8 string: map, hash and length (16 bytes on 64-bit), its characters rounded up to 8. */
const STRING_HEADER_BYTES = 16;

/** A well-mixed 32-bit hash (FNV-1a, then murmur3's finalizer for good low bits). */
export function hashId(id: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < id.length; i++) {
		hash ^= id.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	hash ^= hash >>> 16;
	hash = Math.imul(hash, 0x85ebca6b);
	hash ^= hash >>> 13;
	hash = Math.imul(hash, 0xc2b2ae35);
	return hash ^ (hash >>> 16);
}

/** What V8 keeps for this string: one byte per character, two when one needs more than 8 bits. */
export function stringBytes(id: string): number {
	let wide = false;
	for (let i = 0; i < id.length && !wide; i++) wide = id.charCodeAt(i) > 0xff;
	const characters = wide ? id.length * 2 : id.length;
	return STRING_HEADER_BYTES + Math.ceil(characters / 8) * 8;
}

export class RecentIds {
	private ids: Array<string | undefined>;
	private times: Float64Array;
	private hashes: Int32Array;
	/** Slot number + 1 per cell, 0 for an empty cell; twice the slots, so probes stay short. */
	private index: Int32Array;
	private head = 0;
	private count = 0;
	private idBytes = 0;

	constructor(
		private readonly maxBytes: number,
		initialSlots = 1024,
	) {
		const slots = 2 ** Math.ceil(Math.log2(Math.max(2, initialSlots)));
		this.ids = new Array<string | undefined>(slots).fill(undefined);
		this.times = new Float64Array(slots);
		this.hashes = new Int32Array(slots);
		this.index = new Int32Array(slots * 2);
	}

	get size(): number {
		return this.count;
	}

	/** The memory counted against the cap: the arrays as allocated, plus the id strings. */
	get bytes(): number {
		return this.ids.length * BYTES_PER_SLOT + this.idBytes;
	}

	/** When the oldest id was added; undefined when empty. */
	oldestAt(): number | undefined {
		return this.count ? this.times[this.head] : undefined;
	}

	has(id: string): boolean {
		return this.find(id, hashId(id)) >= 0;
	}

	/**
	 * Appends `id` as the newest, added at `at` (not already present: the caller checked). False
	 * when it does not fit within the cap (the caller drops the oldest and tries again).
	 */
	add(id: string, at: number): boolean {
		const cost = stringBytes(id);
		if (this.count === this.ids.length && !this.grow(cost)) return false;
		if (this.bytes + cost > this.maxBytes) return false;
		const slot = (this.head + this.count) & (this.ids.length - 1);
		const hash = hashId(id);
		this.ids[slot] = id;
		this.times[slot] = at;
		this.hashes[slot] = hash;
		this.insertIntoIndex(hash, slot);
		this.count++;
		this.idBytes += cost;
		return true;
	}

	/** Forgets the oldest id. */
	dropOldest(): void {
		if (!this.count) return;
		const slot = this.head;
		this.removeFromIndex(slot);
		this.idBytes -= stringBytes(this.ids[slot]!);
		this.ids[slot] = undefined;
		this.head = (slot + 1) & (this.ids.length - 1);
		this.count--;
	}

	/** The index cell holding `id`, or -1. */
	private find(id: string, hash: number): number {
		const mask = this.index.length - 1;
		for (let cell = hash & mask; ; cell = (cell + 1) & mask) {
			const entry = this.index[cell];
			if (entry === 0) return -1;
			const slot = entry - 1;
			if (this.hashes[slot] === hash && this.ids[slot] === id) return cell;
		}
	}

	private insertIntoIndex(hash: number, slot: number): void {
		const mask = this.index.length - 1;
		let cell = hash & mask;
		while (this.index[cell] !== 0) cell = (cell + 1) & mask;
		this.index[cell] = slot + 1;
	}

	/**
	 * Empties the slot's cell, then moves later cells of the same probe run back into the gap
	 * when their home cell allows it, so every lookup still finds its id before an empty cell.
	 */
	private removeFromIndex(slot: number): void {
		const mask = this.index.length - 1;
		let gap = this.hashes[slot] & mask;
		while (this.index[gap] !== slot + 1) gap = (gap + 1) & mask;
		for (let cell = (gap + 1) & mask; this.index[cell] !== 0; cell = (cell + 1) & mask) {
			const home = this.hashes[this.index[cell] - 1] & mask;
			// Stays when its home lies cyclically after the gap, up to the cell itself.
			const staysPut = gap <= cell ? gap < home && home <= cell : gap < home || home <= cell;
			if (staysPut) continue;
			this.index[gap] = this.index[cell];
			gap = cell;
		}
		this.index[gap] = 0;
	}

	/** Doubles the ring when the cap allows it, oldest id first in slot 0. */
	private grow(cost: number): boolean {
		const slots = this.ids.length * 2;
		if (slots * BYTES_PER_SLOT + this.idBytes + cost > this.maxBytes) return false;
		const ids = new Array<string | undefined>(slots).fill(undefined);
		const times = new Float64Array(slots);
		const hashes = new Int32Array(slots);
		const oldMask = this.ids.length - 1;
		for (let i = 0; i < this.count; i++) {
			const from = (this.head + i) & oldMask;
			ids[i] = this.ids[from];
			times[i] = this.times[from];
			hashes[i] = this.hashes[from];
		}
		this.ids = ids;
		this.times = times;
		this.hashes = hashes;
		this.index = new Int32Array(slots * 2);
		this.head = 0;
		for (let i = 0; i < this.count; i++) this.insertIntoIndex(hashes[i], i);
		return true;
	}
}
