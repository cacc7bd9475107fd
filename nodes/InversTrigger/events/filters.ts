import { events } from '../../shared/contract';
import type { ParsedEvent } from './parseEvent';
import { eventReasons, eventVehicleId } from './parseEvent';

export interface EventFilter {
	/** Current type names to start the workflow for; undefined means every type, unknown included. */
	types?: Set<string>;
	/** VehicleChanged only: start for an event carrying at least one of these reasons. */
	reasons?: Set<string>;
	/** Only events about these vehicles. */
	vehicleIds?: Set<string>;
}

/** Splits a comma or newline separated list, trimming blanks away. */
export function splitList(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(splitList);
	if (typeof value !== 'string') return [];
	return value
		.split(/[,\n]/)
		.map((part) => part.trim())
		.filter((part) => part !== '');
}

/** Tells why an event is filtered out, or undefined when it should start the workflow. */
export function filterOutReason(event: ParsedEvent, filter: EventFilter): string | undefined {
	if (filter.types && !filter.types.has(event.type)) return 'eventType';
	if (filter.reasons && event.type === events.types.vehicleChanged) {
		const reasons = eventReasons(event);
		if (!reasons.some((reason) => filter.reasons!.has(reason))) return 'reason';
	}
	if (filter.vehicleIds) {
		const vehicleId = eventVehicleId(event);
		if (!vehicleId || !filter.vehicleIds.has(vehicleId)) return 'vehicleId';
	}
	return undefined;
}
