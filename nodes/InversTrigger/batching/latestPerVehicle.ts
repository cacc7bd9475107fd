import type { IDataObject } from 'n8n-workflow';

import { events } from '../../shared/contract';
import type { Delivery } from '../amqp/delivery';
import type { ParsedEvent } from '../events/parseEvent';
import { eventReasons, eventState, eventVehicle, eventVehicleId } from '../events/parseEvent';
import { readTimestamp } from '../events/timestamps';
import type { ItemOptions } from '../events/toItem';
import { eventToItem } from '../events/toItem';
import { simplifyState } from '../simplifyState';
import type { FutureClock } from '../futureClock';

/** One event of a batch and the delivery it came with. */
export interface BatchMember {
	delivery: Delivery;
	event: ParsedEvent;
}

/** What one vehicle's events of a batch add up to. */
interface VehicleLatest {
	vehicleId: string;
	/** Property → its newest `{ timestamp, value }` (or a bare value, kept as received). */
	state?: Record<string, unknown>;
	/** Per property, the time of the kept value (ms). */
	stateTimes?: Map<string, number>;
	vehicle?: Record<string, unknown>;
	vehicleAt: number;
	reasons: string[];
	eventIds: string[];
	eventTypes: string[];
	newestOccurredAt?: string;
	newestOccurredMillis: number;
	flowId: string | null;
	redelivered: boolean;
}

/**
 * Latest per vehicle: one item per vehicle for a batch's readable vehicle events, however many
 * the vehicle sent.
 * - State events are merged property by property, each by its own timestamp [doc]: a property
 *   keeps its newest value, a partial state changes only what it carries, and an older event
 *   delivered after a newer one changes nothing.
 * - For VehicleChanged the newest vehicle counts, by its `modified_at` (else the event's time);
 *   at equal times the later delivery wins.
 * - The item names every event it stands for (`event_ids`, `event_count`).
 * Other events (other types, layouts the trigger cannot read, no vehicle ID) stay items of
 * their own, as received. Items come in the order of each vehicle's (or event's) first delivery.
 */
export function latestPerVehicle(
	members: readonly BatchMember[],
	options: ItemOptions,
	clock: FutureClock,
): IDataObject[] {
	const slots: Array<VehicleLatest | IDataObject> = [];
	const byVehicle = new Map<string, VehicleLatest>();
	for (const { delivery, event } of members) {
		const vehicleId = event.layout ? eventVehicleId(event) : undefined;
		if (!vehicleId) {
			slots.push(eventToItem(event, delivery, options));
			continue;
		}
		let latest = byVehicle.get(vehicleId);
		if (!latest) {
			latest = {
				vehicleId,
				vehicleAt: -Infinity,
				reasons: [],
				eventIds: [],
				eventTypes: [],
				newestOccurredMillis: -Infinity,
				flowId: null,
				redelivered: false,
			};
			byVehicle.set(vehicleId, latest);
			slots.push(latest);
		}
		add(latest, event, delivery, clock);
	}
	return slots.map((slot) => (isLatest(slot) ? toItem(slot, options) : slot));
}

function isLatest(slot: VehicleLatest | IDataObject): slot is VehicleLatest {
	return Array.isArray((slot as VehicleLatest).eventIds) && 'vehicleAt' in slot;
}

function add(
	latest: VehicleLatest,
	event: ParsedEvent,
	delivery: Delivery,
	clock: FutureClock,
): void {
	latest.eventIds.push(event.id);
	if (!latest.eventTypes.includes(event.type)) latest.eventTypes.push(event.type);
	latest.redelivered ||= delivery.redelivered;
	const occurred = millisOf(event.occurredAt);
	if (occurred >= latest.newestOccurredMillis) {
		latest.newestOccurredMillis = occurred;
		latest.newestOccurredAt = event.occurredAt;
		latest.flowId = event.flowId ?? null;
	}
	if (event.layout === 'vehicleState') mergeState(latest, event, occurred, clock);
	else if (event.layout === 'vehicleChanged') keepNewestVehicle(latest, event, occurred, clock);
}

function mergeState(
	latest: VehicleLatest,
	event: ParsedEvent,
	occurred: number,
	clock: FutureClock,
): void {
	const state = eventState(event);
	if (!state) return;
	latest.state ??= {};
	latest.stateTimes ??= new Map();
	for (const property of Object.keys(state)) {
		const entry = state[property];
		const own = (entry as { timestamp?: unknown } | null)?.timestamp;
		const at = typeof own === 'string' ? millisOf(own) : occurred;
		// A clock far ahead (a unit with a wrong clock) must not freeze the property.
		if (!clock.accepts(at, latest.vehicleId)) continue;
		const known = latest.stateTimes.get(property);
		if (known !== undefined && at < known) continue;
		latest.state[property] = entry;
		latest.stateTimes.set(property, at);
	}
}

function keepNewestVehicle(
	latest: VehicleLatest,
	event: ParsedEvent,
	occurred: number,
	clock: FutureClock,
): void {
	const vehicle = eventVehicle(event);
	if (!vehicle) return;
	for (const reason of eventReasons(event)) {
		if (!latest.reasons.includes(reason)) latest.reasons.push(reason);
	}
	const modified = vehicle[events.statusTimeField];
	const at = typeof modified === 'string' ? millisOf(modified) : occurred;
	if (!clock.accepts(at, latest.vehicleId) || at < latest.vehicleAt) return;
	latest.vehicle = vehicle;
	latest.vehicleAt = at;
}

function toItem(latest: VehicleLatest, options: ItemOptions): IDataObject {
	const item: IDataObject = { vehicle_id: latest.vehicleId };
	if (latest.state) {
		if (options.simplify) {
			const simplified = simplifyState(latest.state);
			item.vehicle_state = simplified.state as IDataObject;
			// The merged values are of different times: a store compares them property by property.
			item.vehicle_state_timestamps = timestampsOf(latest.state);
			item.state_recorded_at = simplified.newestTimestamp ?? null;
		} else {
			item.vehicle_state = latest.state as IDataObject;
			item.state_recorded_at = isoOf(Math.max(...latest.stateTimes!.values()));
		}
	} else {
		item.vehicle_state = null;
		item.state_recorded_at = null;
	}
	item.vehicle = (latest.vehicle ?? null) as IDataObject | null;
	item.vehicle_modified_at = latest.vehicle ? isoOf(latest.vehicleAt) : null;
	item.reasons = latest.reasons;
	item.event_types = latest.eventTypes;
	item.event_count = latest.eventIds.length;
	item.event_ids = latest.eventIds;
	item.occurred_at = latest.newestOccurredAt ?? null;
	item.flow_id = latest.flowId;
	item.redelivered = latest.redelivered;
	return item;
}

/** Property → its timestamp as received (null for a value that carried none). */
function timestampsOf(state: Record<string, unknown>): IDataObject {
	const timestamps: IDataObject = {};
	for (const property of Object.keys(state)) {
		const own = (state[property] as { timestamp?: unknown } | null)?.timestamp;
		timestamps[property] = typeof own === 'string' ? own : null;
	}
	return timestamps;
}

function millisOf(value: string | undefined): number {
	if (value === undefined) return -Infinity;
	return readTimestamp(value)?.millis ?? -Infinity;
}

function isoOf(millis: number): string | null {
	return Number.isFinite(millis) ? new Date(millis).toISOString() : null;
}
