import { isWrittenTimestamp, readTimestamp } from './events/timestamps';

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
	const newest = new NewestTimestamp();
	const properties = vehicleState as Record<string, unknown>;
	for (const property of Object.keys(properties)) {
		const entry = properties[property];
		if (!isTimestampedValue(entry)) {
			state[property] = entry;
			continue;
		}
		state[property] = entry.value;
		if (typeof entry.timestamp === 'string') newest.consider(entry.timestamp);
	}
	return { state, newestTimestamp: newest.iso };
}

/**
 * The newest of a state's timestamps. They are mostly in the written form and often the same
 * string for many properties: those are compared as strings, and only other forms are parsed.
 */
class NewestTimestamp {
	iso?: string;
	/** The instant of `iso`, read only when a timestamp in another form has to be compared. */
	private millis?: number;
	private written = false;
	private lastSeen?: string;

	consider(value: string): void {
		if (value === this.lastSeen) return;
		this.lastSeen = value;
		if (isWrittenTimestamp(value) && (this.written || this.iso === undefined)) {
			if (this.iso === undefined || value > this.iso) this.keep(value, undefined, true);
			return;
		}
		const at = readTimestamp(value);
		if (!at) return;
		if (this.iso !== undefined && at.millis <= (this.millis ??= Date.parse(this.iso))) return;
		this.keep(at.iso, at.millis, false);
	}

	private keep(iso: string, millis: number | undefined, written: boolean): void {
		this.iso = iso;
		this.millis = millis;
		this.written = written;
	}
}
