/**
 * A small seeded pseudo-random generator, so that the same seed always yields the same fleet:
 * tests and screenshots can rely on vehicle ids and values without fixtures.
 */

/** mulberry32: 32-bit state, good enough spread for test data and fast for 20,000 vehicles. */
export function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class Random {
	private readonly next: () => number;

	constructor(seed: number) {
		this.next = mulberry32(seed);
	}

	/** A float in [0, 1). */
	float(): number {
		return this.next();
	}

	/** An integer in [min, max], both inclusive. */
	int(min: number, max: number): number {
		return min + Math.floor(this.next() * (max - min + 1));
	}

	/** True with the given probability (0..1). */
	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: readonly T[]): T {
		return items[Math.floor(this.next() * items.length)];
	}

	/** A float in [min, max) rounded to the given number of decimals. */
	decimal(min: number, max: number, decimals: number): number {
		const factor = 10 ** decimals;
		return Math.round((min + this.next() * (max - min)) * factor) / factor;
	}

	/** `length` characters drawn from `alphabet`. */
	string(alphabet: string, length: number): string {
		let out = '';
		for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
		return out;
	}
}
