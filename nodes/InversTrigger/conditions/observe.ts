import { events } from '../../shared/contract';
import type { ParsedEvent } from '../events/parseEvent';
import { eventState, eventVehicle } from '../events/parseEvent';
import { readTimestamp } from '../events/timestamps';
import type { WatchedSource } from './definitions';

/** One watched value as an event reports it: the value and its time (ms since the epoch). */
export interface Observation {
	value: unknown;
	at: number;
}

type Container = Record<string, unknown>;

function asRecord(value: unknown): Container | undefined {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Container)
		: undefined;
}

/** The source a readable event reports, or undefined when it feeds no condition. */
export function sourceOf(event: ParsedEvent): WatchedSource | undefined {
	if (event.layout === 'vehicleState') return 'state';
	if (event.layout === 'vehicleChanged') return 'vehicle';
	return undefined;
}

/**
 * The object holding the watched values: the vehicle state of a VehicleStateRecorded, or the
 * vehicle of a VehicleChanged.
 */
export function containerOf(event: ParsedEvent, source: WatchedSource): Container | undefined {
	return source === 'vehicle' ? eventVehicle(event) : eventState(event);
}

/**
 * Reads one watched value with the time it was true:
 * - a state property `{ timestamp, value }` [doc] carries its own time (partial states and
 *   properties reported at different times are merged by it);
 * - a vehicle status `{ value, modified_at }` [doc] carries when it changed, else the vehicle's
 *   `modified_at` [choice, nodes/shared/contract.ts];
 * - anything else (read tolerantly: a bare value) takes the event's time, `eventTime()`.
 * Undefined when the event does not report the value.
 */
export function observe(
	container: Container,
	name: string,
	source: WatchedSource,
	eventTime: () => number,
): Observation | undefined {
	const entry = container[name];
	if (entry === undefined || entry === null) return undefined;
	const wrapped = asRecord(entry);
	if (!wrapped || !('value' in wrapped))
		return { value: entry, at: fallbackTime(container, source, eventTime) };
	if (wrapped.value === undefined || wrapped.value === null) return undefined;
	const own = source === 'state' ? wrapped.timestamp : wrapped[events.statusTimeField];
	return { value: wrapped.value, at: timeOf(own) ?? fallbackTime(container, source, eventTime) };
}

function fallbackTime(
	container: Container,
	source: WatchedSource,
	eventTime: () => number,
): number {
	if (source === 'vehicle') {
		const modified = timeOf(container[events.statusTimeField]);
		if (modified !== undefined) return modified;
	}
	return eventTime();
}

function timeOf(value: unknown): number | undefined {
	return typeof value === 'string' ? readTimestamp(value)?.millis : undefined;
}
