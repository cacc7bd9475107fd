import { DateTime } from 'luxon';

/** The form INVERS documents: UTC, `Z`, optional milliseconds [doc]. */
const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/** A readable timestamp: its instant, and its normalised form (ISO-8601, UTC, milliseconds). */
export interface Timestamp {
	millis: number;
	iso: string;
}

/**
 * Reads an event timestamp the way luxon's ISO parser does (`DateTime.fromISO` in UTC, written
 * with `toISO()`). The documented form takes a fast path: the trigger reads one or more per
 * event, thousands per second, and luxon costs several times more. Date.parse is more lenient
 * than luxon (it rolls 2024-02-30 over to March 1, which luxon rejects), so the fast path only
 * answers when the written result repeats the input's fields unchanged; every other form and
 * every doubt goes to luxon, so offsets, dates without time and invalid dates are read exactly as
 * luxon reads them. Undefined when not a valid timestamp.
 */
export function readTimestamp(value: string): Timestamp | undefined {
	// Written already (milliseconds, a day every month has, not 24:00): kept as it is.
	if (isWrittenTimestamp(value)) return { millis: Date.parse(value), iso: value };
	if (UTC_ISO.test(value)) {
		const millis = Date.parse(value);
		if (!Number.isNaN(millis)) {
			// Four-digit years: Date and luxon write the same `YYYY-MM-DDTHH:mm:ss.sssZ`.
			const iso = new Date(millis).toISOString();
			if (iso.startsWith(value.slice(0, -1))) return { millis, iso };
		}
	}
	const parsed = DateTime.fromISO(value, { zone: 'utc' });
	const iso = parsed.isValid ? parsed.toISO() : null;
	return iso === null ? undefined : { millis: parsed.toMillis(), iso };
}

/** Positions of the digits in `YYYY-MM-DDTHH:mm:ss.sssZ`. */
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];
/** Positions and characters of its separators. */
const SEPARATORS: Array<[number, number]> = [
	[4, 45], // -
	[7, 45],
	[10, 84], // T
	[13, 58], // :
	[16, 58],
	[19, 46], // .
	[23, 90], // Z
];

/**
 * Whether `value` is already what readTimestamp would write: `YYYY-MM-DDTHH:mm:ss.sssZ` with a
 * month, a day every month has (1-28), an hour before 24, minutes and seconds below 60. Such a
 * string is its own normalised form, and for two of them the string order is the time order.
 * Checked character by character: this is the form INVERS sends, several times per event.
 */
export function isWrittenTimestamp(value: string): boolean {
	if (value.length !== 24) return false;
	for (const [index, code] of SEPARATORS) if (value.charCodeAt(index) !== code) return false;
	for (const index of DIGITS) {
		const code = value.charCodeAt(index);
		if (code < 48 || code > 57) return false;
	}
	const month = twoDigits(value, 5);
	const day = twoDigits(value, 8);
	return (
		month >= 1 &&
		month <= 12 &&
		day >= 1 &&
		day <= 28 &&
		twoDigits(value, 11) < 24 &&
		twoDigits(value, 14) < 60 &&
		twoDigits(value, 17) < 60
	);
}

/** The number written by the two digits at `index`. */
function twoDigits(value: string, index: number): number {
	return (value.charCodeAt(index) - 48) * 10 + (value.charCodeAt(index + 1) - 48);
}
