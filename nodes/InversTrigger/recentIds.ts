/**
 * The ids of events handled recently, oldest first, each with the time it was added: a ring of
 * slots, the ids' characters copied into one byte arena (itself a ring, in the same order), and an
 * open-addressing hash index into the slots (linear probing, deletion by backward shift, so no
 * tombstones pile up).
 *
 * Why not a Map, Set or array of strings: that is one small heap object per id, hundreds of
 * thousands of them surviving into the old generation, so the garbage collector's work and the
 * heap would grow with the window (`npm run bench:trigger` shows the peak RSS and the time in GC).
 * Here nothing but typed arrays is kept, growing by doubling, and the memory
 * counted against `maxBytes` is exactly their allocated size. `add` refuses (returns false) when
 * an id does not fit; the caller decides what to drop.
 */

/** Bytes per ring slot: start (4), length (4), time (8), hash (4), and two index cells (2 × 4). */
const BYTES_PER_SLOT = 28;
/** Arena bytes per slot to start with: a UUID is 36 characters. */
const INITIAL_BYTES_PER_ID = 40;

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

/** Bytes an id takes in the arena: one per character, two each when one needs more than 8 bits. */
export function arenaBytes(id: string): number {
	for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) > 0xff) return id.length * 2;
	return id.length;
}

export class RecentIds {
	private starts: Int32Array;
	/** Characters of the id; negative for an id stored with two bytes per character. */
	private lengths: Int32Array;
	private times: Float64Array;
	private hashes: Int32Array;
	/** Slot number + 1 per cell, 0 for an empty cell; twice the slots, so probes stay short. */
	private index: Int32Array;
	private arena: Uint8Array;
	private head = 0;
	private count = 0;
	/** Where the next id's bytes go. */
	private writeAt = 0;

	constructor(
		private readonly maxBytes: number,
		initialSlots = 1024,
	) {
		const slots = 2 ** Math.ceil(Math.log2(Math.max(2, initialSlots)));
		this.starts = new Int32Array(slots);
		this.lengths = new Int32Array(slots);
		this.times = new Float64Array(slots);
		this.hashes = new Int32Array(slots);
		this.index = new Int32Array(slots * 2);
		this.arena = new Uint8Array(slots * INITIAL_BYTES_PER_ID);
	}

	get size(): number {
		return this.count;
	}

	/** The memory counted against the cap: every array as allocated. */
	get bytes(): number {
		return this.slots * BYTES_PER_SLOT + this.arena.length;
	}

	/** When the oldest id was added; undefined when empty. */
	oldestAt(): number | undefined {
		return this.count ? this.times[this.head] : undefined;
	}

	has(id: string): boolean {
		const hash = hashId(id);
		const mask = this.index.length - 1;
		for (let cell = hash & mask; ; cell = (cell + 1) & mask) {
			const entry = this.index[cell];
			if (entry === 0) return false;
			if (this.hashes[entry - 1] === hash && this.holds(entry - 1, id)) return true;
		}
	}

	/**
	 * Appends `id` as the newest, added at `at` (not already present: the caller checked). False
	 * when it does not fit within the cap (the caller drops the oldest and tries again).
	 */
	add(id: string, at: number): boolean {
		const size = arenaBytes(id);
		if (this.count === this.slots && !this.growSlots()) return false;
		let start = this.freeSpaceFor(size);
		if (start < 0) {
			if (!this.growArena(size)) return false;
			start = this.freeSpaceFor(size);
		}
		const slot = (this.head + this.count) & (this.slots - 1);
		const hash = hashId(id);
		this.write(id, start, size !== id.length);
		this.starts[slot] = start;
		this.lengths[slot] = size === id.length ? id.length : -id.length;
		this.times[slot] = at;
		this.hashes[slot] = hash;
		this.writeAt = start + size;
		this.insertIntoIndex(hash, slot);
		this.count++;
		return true;
	}

	/** Forgets the oldest id (its bytes are free again). */
	dropOldest(): void {
		if (!this.count) return;
		this.removeFromIndex(this.head);
		this.head = (this.head + 1) & (this.slots - 1);
		if (--this.count === 0) this.writeAt = 0;
	}

	private get slots(): number {
		return this.starts.length;
	}

	/**
	 * Where `size` bytes fit without touching a live id, or -1. Live bytes run from the oldest
	 * id's start to `writeAt`, around the end of the arena when that is smaller; an id is never
	 * split, so the arena's tail is skipped when it is too short.
	 */
	private freeSpaceFor(size: number): number {
		if (this.count === 0) return size <= this.arena.length ? 0 : -1;
		const oldest = this.starts[this.head];
		if (this.writeAt > oldest) {
			if (this.writeAt + size <= this.arena.length) return this.writeAt;
			return size <= oldest ? 0 : -1;
		}
		return this.writeAt + size <= oldest ? this.writeAt : -1;
	}

	private write(id: string, start: number, wide: boolean): void {
		const arena = this.arena;
		if (!wide) {
			for (let i = 0; i < id.length; i++) arena[start + i] = id.charCodeAt(i);
			return;
		}
		for (let i = 0; i < id.length; i++) {
			const code = id.charCodeAt(i);
			arena[start + 2 * i] = code >>> 8;
			arena[start + 2 * i + 1] = code & 0xff;
		}
	}

	/** Whether the slot holds exactly `id`. */
	private holds(slot: number, id: string): boolean {
		const length = this.lengths[slot];
		const arena = this.arena;
		const start = this.starts[slot];
		if (length === id.length) {
			for (let i = 0; i < length; i++) if (arena[start + i] !== id.charCodeAt(i)) return false;
			return true;
		}
		if (length !== -id.length) return false;
		for (let i = 0; i < id.length; i++) {
			const code = (arena[start + 2 * i] << 8) | arena[start + 2 * i + 1];
			if (code !== id.charCodeAt(i)) return false;
		}
		return true;
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

	/** Doubles the slots when the cap allows it, the oldest id moving to slot 0. */
	private growSlots(): boolean {
		const slots = this.slots * 2;
		if (slots * BYTES_PER_SLOT + this.arena.length > this.maxBytes) return false;
		const starts = new Int32Array(slots);
		const lengths = new Int32Array(slots);
		const times = new Float64Array(slots);
		const hashes = new Int32Array(slots);
		const mask = this.slots - 1;
		for (let i = 0; i < this.count; i++) {
			const from = (this.head + i) & mask;
			starts[i] = this.starts[from];
			lengths[i] = this.lengths[from];
			times[i] = this.times[from];
			hashes[i] = this.hashes[from];
		}
		this.starts = starts;
		this.lengths = lengths;
		this.times = times;
		this.hashes = hashes;
		this.index = new Int32Array(slots * 2);
		this.head = 0;
		for (let i = 0; i < this.count; i++) this.insertIntoIndex(hashes[i], i);
		return true;
	}

	/**
	 * Doubles the arena (or more, for a long id; or only what the cap leaves) when that makes
	 * room for the live ids and `size` more bytes; the ids are packed from 0.
	 */
	private growArena(size: number): boolean {
		let live = 0;
		for (let i = 0; i < this.count; i++)
			live += this.byteLength((this.head + i) & (this.slots - 1));
		let length = this.arena.length * 2;
		while (length < live + size) length *= 2;
		length = Math.min(length, this.maxBytes - this.slots * BYTES_PER_SLOT);
		if (length < live + size || length <= this.arena.length) return false;
		const arena = new Uint8Array(length);
		let at = 0;
		for (let i = 0; i < this.count; i++) {
			const slot = (this.head + i) & (this.slots - 1);
			const bytes = this.byteLength(slot);
			arena.set(this.arena.subarray(this.starts[slot], this.starts[slot] + bytes), at);
			this.starts[slot] = at;
			at += bytes;
		}
		this.arena = arena;
		this.writeAt = at;
		return true;
	}

	private byteLength(slot: number): number {
		const length = this.lengths[slot];
		return length < 0 ? -2 * length : length;
	}
}
