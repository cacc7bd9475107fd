/**
 * ISO 3779 VINs with a correct check digit (position 9, as North America requires), so that any
 * VIN validator the package or a user applies accepts the simulator's data.
 */
import { VIN_RULE } from './inversRules';
import type { Random } from './prng';

// prettier-ignore
const TRANSLITERATION: Record<string, number> = {
	A: 1, B: 2, C: 3, D: 4, E: 5, F: 6, G: 7, H: 8,
	J: 1, K: 2, L: 3, M: 4, N: 5, P: 7, R: 9,
	S: 2, T: 3, U: 4, V: 5, W: 6, X: 7, Y: 8, Z: 9,
};
const WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
// prettier-ignore
const MODEL_YEAR_CODES: Record<number, string> = {
	2016: 'G', 2017: 'H', 2018: 'J', 2019: 'K', 2020: 'L', 2021: 'M', 2022: 'N', 2023: 'P', 2024: 'R', 2025: 'S',
};
const PLANT_CODES = 'ABCDEFGHJKLMNPRSTVWXYZ0123456789';

export function vinCheckDigit(vin: string): string {
	let sum = 0;
	for (let i = 0; i < 17; i++) {
		const char = vin[i];
		const value = /\d/.test(char) ? Number(char) : TRANSLITERATION[char];
		sum += value * WEIGHTS[i];
	}
	const remainder = sum % 11;
	return remainder === 10 ? 'X' : String(remainder);
}

/** A VIN for a model (its 8-character prefix) and year, serial number drawn from `random`. */
export function generateVin(random: Random, prefix: string, year: number): string {
	const yearCode = MODEL_YEAR_CODES[year] ?? 'R';
	const serial = String(random.int(0, 999999)).padStart(6, '0');
	const draft = `${prefix}0${yearCode}${random.pick(PLANT_CODES.split(''))}${serial}`;
	const vin = draft.slice(0, 8) + vinCheckDigit(draft) + draft.slice(9);
	if (!VIN_RULE.test(vin)) throw new Error(`generated an invalid VIN ${vin}`);
	return vin;
}
