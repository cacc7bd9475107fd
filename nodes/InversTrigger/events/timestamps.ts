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
	if (UTC_ISO.test(value)) {
		const millis = Date.parse(value);
		if (!Number.isNaN(millis)) {
			// Written already (milliseconds, a day every month has, not 24:00): kept as it is.
			if (value.length === 24 && twoDigits(value, 8) <= 28 && twoDigits(value, 11) < 24) {
				return { millis, iso: value };
			}
			// Four-digit years: Date and luxon write the same `YYYY-MM-DDTHH:mm:ss.sssZ`.
			const iso = new Date(millis).toISOString();
			if (iso.startsWith(value.slice(0, -1))) return { millis, iso };
		}
	}
	const parsed = DateTime.fromISO(value, { zone: 'utc' });
	const iso = parsed.isValid ? parsed.toISO() : null;
	return iso === null ? undefined : { millis: parsed.toMillis(), iso };
}

/** The number written by the two digits at `index`. */
function twoDigits(value: string, index: number): number {
	return (value.charCodeAt(index) - 48) * 10 + (value.charCodeAt(index + 1) - 48);
}
