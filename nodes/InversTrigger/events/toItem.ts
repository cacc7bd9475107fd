import type { IDataObject } from 'n8n-workflow';

import { events } from '../../shared/contract';
import { simplifyState } from '../simplifyState';
import type { ParsedEvent } from './parseEvent';
import { eventReasons, eventVehicleId, isInterpretable } from './parseEvent';

export interface ItemOptions {
	simplify: boolean;
	includeRaw: boolean;
}

/** What the node knows about the delivery, for the raw option and the item's `queue`. */
export interface DeliveryInfo {
	queue: string;
	redelivered: boolean;
	/** Read only with the raw option. */
	raw: () => { properties: IDataObject; fields: IDataObject };
}

/**
 * The clean item a workflow starts with. Known layouts are interpreted; unknown event types and
 * newer schema versions keep `data` exactly as received (send strictly, read tolerantly).
 */
export function eventToItem(
	event: ParsedEvent,
	delivery: DeliveryInfo,
	options: ItemOptions,
): IDataObject {
	const item: IDataObject = {
		eventId: event.id,
		eventType: event.type,
	};
	if (event.legacyType) item.receivedEventType = event.legacyType;
	if (event.schemaMajorVersion !== undefined) item.schemaMajorVersion = event.schemaMajorVersion;
	item.occurredAt = event.occurredAt ?? null;
	item.flowId = event.flowId ?? null;
	item.vehicleId = eventVehicleId(event) ?? null;

	if (!isInterpretable(event)) {
		item.data = event.data as IDataObject;
	} else if (event.type === events.types.vehicleChanged) {
		const rest = { ...event.data };
		delete rest.vehicle;
		delete rest.reasons;
		item.reasons = eventReasons(event);
		item.vehicle = (event.data.vehicle ?? null) as IDataObject | null;
		if (Object.keys(rest).length) item.data = rest as IDataObject;
	} else {
		const rest = { ...event.data };
		const rawState = rest[events.stateRecordedStateField];
		delete rest[events.stateRecordedVehicleIdField];
		delete rest[events.stateRecordedStateField];
		// Tolerate a `state` field (predecessor layout is not public).
		const vehicleState = rawState ?? rest.state;
		delete rest.state;
		if (options.simplify) {
			const simplified = simplifyState(vehicleState);
			item.vehicleState = simplified.state as IDataObject;
			item.stateRecordedAt = simplified.newestTimestamp ?? event.occurredAt ?? null;
		} else {
			item.vehicleState = (vehicleState ?? null) as IDataObject | null;
		}
		if (Object.keys(rest).length) item.data = rest as IDataObject;
	}

	item.queue = delivery.queue;
	item.redelivered = delivery.redelivered;
	if (options.includeRaw) {
		item.raw = { envelope: event.envelope as IDataObject, ...delivery.raw() };
	}
	return item;
}
