import { DateTime } from 'luxon';

/** The form INVERS documents: UTC, `Z`, optional milliseconds [doc]. */
const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/**
 * Parses an event timestamp. The documented form takes a fast path (the trigger parses one or
 * more per event, thousands per second, and luxon's general ISO parser costs several times
 * more); every other form goes through luxon's ISO parser, so offsets and dates without time
 * are still read correctly. Undefined when not a valid timestamp.
 */
export function parseTimestamp(value: string): DateTime | undefined {
	const parsed = UTC_ISO.test(value)
		? DateTime.fromMillis(Date.parse(value), { zone: 'utc' })
		: DateTime.fromISO(value, { zone: 'utc' });
	return parsed.isValid ? parsed : undefined;
}
