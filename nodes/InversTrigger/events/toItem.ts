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
		item.reasons = eventReasons(event);
		item.vehicle = (event.data.vehicle ?? null) as IDataObject | null;
		const rest = otherFields(event.data, ['vehicle', 'reasons']);
		if (rest) item.data = rest;
	} else {
		// Tolerate a `state` field (predecessor layout is not public).
		const vehicleState = event.data[events.stateRecordedStateField] ?? event.data.state;
		const rest = otherFields(event.data, [
			events.stateRecordedVehicleIdField,
			events.stateRecordedStateField,
			'state',
		]);
		if (options.simplify) {
			const simplified = simplifyState(vehicleState);
			item.vehicleState = simplified.state as IDataObject;
			item.stateRecordedAt = simplified.newestTimestamp ?? event.occurredAt ?? null;
		} else {
			item.vehicleState = (vehicleState ?? null) as IDataObject | null;
		}
		if (rest) item.data = rest;
	}

	item.queue = delivery.queue;
	item.redelivered = delivery.redelivered;
	if (options.includeRaw) {
		item.raw = { envelope: event.envelope as IDataObject, ...delivery.raw() };
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
