import type { IDataObject } from 'n8n-workflow';

import { events } from '../../shared/contract';
import { simplifyState } from '../simplifyState';
import type { ParsedEvent } from './parseEvent';
import { eventReasons, eventState, eventVehicle, eventVehicleId } from './parseEvent';

export interface ItemOptions {
	simplify: boolean;
	includeRaw: boolean;
}

/**
 * What the node knows about the delivery, for the item's `queue` and the raw option (a Delivery
 * is one: nothing is built per event for it).
 */
export interface DeliveryInfo {
	readonly queue: string;
	readonly redelivered: boolean;
	/** Read only with the raw option. */
	readonly message: { fields: object; properties: object };
}

/** Fields of `data` the item shows by name, per layout. */
const { vehicleChanged, vehicleState } = events.layouts;
const CHANGED_FIELDS = [vehicleChanged.vehicleField, vehicleChanged.reasonsField];
const STATE_FIELDS = [vehicleState.vehicleIdField, ...vehicleState.stateFields];

/**
 * The clean item a workflow starts with, its names in the API's snake_case like the action nodes'
 * output (`{{ $json.vehicle_id }}` works after the trigger as after any INVERS node). Known layouts are interpreted, whatever the schema version; unknown event
 * types and layouts the trigger cannot read keep `data` exactly as received (send strictly, read
 * tolerantly).
 */
export function eventToItem(
	event: ParsedEvent,
	delivery: DeliveryInfo,
	options: ItemOptions,
): IDataObject {
	const item: IDataObject = {
		event_id: event.id,
		event_type: event.type,
	};
	if (event.legacyType) item.received_event_type = event.legacyType;
	if (event.schemaMajorVersion !== undefined) item.schema_major_version = event.schemaMajorVersion;
	item.occurred_at = event.occurredAt ?? null;
	item.flow_id = event.flowId ?? null;
	item.vehicle_id = eventVehicleId(event) ?? null;

	if (event.layout === 'vehicleChanged') {
		item.reasons = eventReasons(event);
		item.vehicle = (eventVehicle(event) ?? null) as IDataObject | null;
		const rest = otherFields(event.data, CHANGED_FIELDS);
		if (rest) item.data = rest;
	} else if (event.layout === 'vehicleState') {
		const vehicleState = eventState(event);
		const rest = otherFields(event.data, STATE_FIELDS);
		if (options.simplify) {
			const simplified = simplifyState(vehicleState);
			item.vehicle_state = simplified.state as IDataObject;
			item.state_recorded_at = simplified.newestTimestamp ?? event.occurredAt ?? null;
		} else {
			item.vehicle_state = (vehicleState ?? null) as IDataObject | null;
		}
		if (rest) item.data = rest;
	} else {
		item.data = event.data as IDataObject;
	}

	item.queue = delivery.queue;
	item.redelivered = delivery.redelivered;
	if (options.includeRaw) {
		const { fields, properties } = delivery.message;
		item.raw = {
			envelope: event.envelope as IDataObject,
			properties: { ...properties } as IDataObject,
			fields: { ...fields } as IDataObject,
		};
	}
	return item;
}

/** Fields of `data` the item does not show by name (read tolerantly: kept, under `data`). */
function otherFields(data: Record<string, unknown>, shown: string[]): IDataObject | undefined {
	let rest: IDataObject | undefined;
	for (const key of Object.keys(data)) {
		if (!shown.includes(key)) (rest ??= {})[key] = data[key] as IDataObject[string];
	}
	return rest;
}
