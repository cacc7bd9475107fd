import type { Timestamp } from './events/timestamps';
import { readTimestamp } from './events/timestamps';

export interface SimplifiedState {
	/** Property → value, e.g. `{ central_lock: 'LOCKED', mileage_in_kilometers: 1234 }`. */
	state: Record<string, unknown>;
	/** The newest property timestamp (ISO-8601, UTC), or undefined when none is readable. */
	newestTimestamp?: string;
}

function isTimestampedValue(entry: unknown): entry is { timestamp?: unknown; value: unknown } {
	return !!entry && typeof entry === 'object' && !Array.isArray(entry) && 'value' in entry;
}

/**
 * A vehicle state carries every property as `{ timestamp, value }`, each with its own timestamp.
 * Workflows mostly want `state.central_lock === 'LOCKED'`, so this flattens the map and keeps only
 * the newest timestamp. Entries that are not `{ value }` objects are kept as they are (read
 * tolerantly: a newer schema may add plain properties).
 */
export function simplifyState(vehicleState: unknown): SimplifiedState {
	const state: Record<string, unknown> = {};
	if (!vehicleState || typeof vehicleState !== 'object' || Array.isArray(vehicleState)) {
		return { state };
	}
	let newest: Timestamp | undefined;
	for (const [property, entry] of Object.entries(vehicleState as Record<string, unknown>)) {
		if (!isTimestampedValue(entry)) {
			state[property] = entry;
			continue;
		}
		state[property] = entry.value;
		if (typeof entry.timestamp === 'string') {
			const at = readTimestamp(entry.timestamp);
			if (at && (!newest || at.millis > newest.millis)) newest = at;
		}
	}
	return { state, newestTimestamp: newest?.iso };
}
