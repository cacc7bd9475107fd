import { DateTime } from 'luxon';

import { events } from '../../shared/contract';
import { isWrittenTimestamp, readTimestamp } from './timestamps';

/**
 * The layouts of `data` the trigger reads (see `events.layouts` in the contract): a VehicleChanged
 * with its vehicle, a VehicleStateRecorded with its vehicle ID and state. Undefined for other
 * types, and for a known type whose data has neither (a layout the trigger cannot read).
 */
export type EventLayout = 'vehicleChanged' | 'vehicleState';

/** The envelope fields every event carries [doc], read tolerantly. */
export interface ParsedEvent {
	id: string;
	/** The current name of the type (a predecessor Messaging API name is mapped to it). */
	type: string;
	/** The name as received, when it was a predecessor name. */
	legacyType?: string;
	schemaMajorVersion?: number;
	/** ISO-8601 UTC when parsable, else the string as received. */
	occurredAt?: string;
	flowId?: string;
	data: Record<string, unknown>;
	envelope: Record<string, unknown>;
	/** How `data` is read; found once per event from the data itself, never from the version. */
	layout?: EventLayout;
}

export type ParseResult =
	| { ok: true; event: ParsedEvent }
	| { ok: false; reason: 'notJson' | 'notAnObject' | 'noMetadata' | 'noId' | 'noType' };

/** The AMQP properties INVERS sets to mirror the envelope [doc]; used where the body lacks one. */
export interface EnvelopeProperties {
	messageId?: unknown;
	type?: unknown;
	timestamp?: unknown;
	correlationId?: unknown;
	headers?: Record<string, unknown>;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
	return value && typeof value === 'object' && !Array.isArray(value)
		? (value as Record<string, unknown>)
		: undefined;
}

function asText(value: unknown): string | undefined {
	if (typeof value === 'string' && value !== '') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** Timestamps are UTC ISO-8601 with `Z` [doc]; epoch seconds come from the AMQP property. */
export function normalizeTimestamp(value: unknown): string | undefined {
	if (typeof value === 'string' && value !== '') {
		if (isWrittenTimestamp(value)) return value;
		return readTimestamp(value)?.iso ?? value;
	}
	if (typeof value === 'number' && Number.isFinite(value)) {
		return DateTime.fromSeconds(value, { zone: 'utc' }).toISO() ?? undefined;
	}
	return undefined;
}

/** Maps a predecessor Messaging API type name to the current one. */
export function canonicalEventType(type: string): string {
	return events.legacyTypeAliases[type] ?? type;
}

/**
 * Turns a message body into an event. Never throws: anything unusable comes back as a reason,
 * so the caller can reject it without the payload ever reaching a log.
 */
export function parseEvent(content: Buffer, properties: EnvelopeProperties = {}): ParseResult {
	let body: unknown;
	try {
		body = JSON.parse(content.toString('utf8'));
	} catch {
		return { ok: false, reason: 'notJson' };
	}
	const envelope = asRecord(body);
	if (!envelope) return { ok: false, reason: 'notAnObject' };
	const metadata = asRecord(envelope.metadata);
	if (!metadata) return { ok: false, reason: 'noMetadata' };

	const id = asText(metadata.id) ?? asText(properties.messageId);
	if (!id) return { ok: false, reason: 'noId' };
	// The predecessor Messaging API called the field `message_type` [doc].
	const receivedType =
		asText(metadata.type) ??
		asText(metadata.message_type) ??
		asText(envelope.message_type) ??
		asText(properties.type);
	if (!receivedType) return { ok: false, reason: 'noType' };
	const type = canonicalEventType(receivedType);

	const versionValue =
		metadata.schema_major_version ?? properties.headers?.[events.schemaMajorVersionHeader];
	const schemaMajorVersion =
		versionValue === undefined || versionValue === null || versionValue === ''
			? undefined
			: Number(versionValue);

	const data = asRecord(envelope.data) ?? {};
	return {
		ok: true,
		event: {
			id,
			type,
			legacyType: type !== receivedType ? receivedType : undefined,
			schemaMajorVersion: Number.isFinite(schemaMajorVersion) ? schemaMajorVersion : undefined,
			occurredAt:
				normalizeTimestamp(metadata.occurred_at) ?? normalizeTimestamp(properties.timestamp),
			flowId: asText(metadata.flow_id) ?? asText(properties.correlationId),
			data,
			envelope,
			layout: layoutOf(type, data),
		},
	};
}

/**
 * Read by what the data holds, whatever the schema major version: INVERS's own example
 * VehicleStateRecorded is major version 2 [doc], the version of VehicleChanged is not documented,
 * and a version that keeps the layout is read the same way.
 */
function layoutOf(type: string, data: Record<string, unknown>): EventLayout | undefined {
	const { vehicleChanged, vehicleState } = events.layouts;
	if (type === events.types.vehicleChanged) {
		return asRecord(data[vehicleChanged.vehicleField]) ? 'vehicleChanged' : undefined;
	}
	if (type === events.types.vehicleStateRecorded) {
		if (!asText(data[vehicleState.vehicleIdField])) return undefined;
		for (const field of vehicleState.stateFields) if (asRecord(data[field])) return 'vehicleState';
	}
	return undefined;
}

/** Whether the event is of a type the trigger interprets (VehicleChanged, VehicleStateRecorded). */
export function isKnownType(event: ParsedEvent): boolean {
	return (
		event.type === events.types.vehicleChanged || event.type === events.types.vehicleStateRecorded
	);
}

/** The vehicle state of a readable VehicleStateRecorded. */
export function eventState(event: ParsedEvent): Record<string, unknown> | undefined {
	if (event.layout !== 'vehicleState') return undefined;
	for (const field of events.layouts.vehicleState.stateFields) {
		const state = asRecord(event.data[field]);
		if (state) return state;
	}
	return undefined;
}

/** The vehicle of a readable VehicleChanged. */
export function eventVehicle(event: ParsedEvent): Record<string, unknown> | undefined {
	return event.layout === 'vehicleChanged'
		? asRecord(event.data[events.layouts.vehicleChanged.vehicleField])
		: undefined;
}

/** The vehicle an event is about, wherever its layout keeps it. */
export function eventVehicleId(event: ParsedEvent): string | undefined {
	const data = event.data;
	const vehicle = asRecord(data.vehicle);
	return (
		asText(data[events.layouts.vehicleState.vehicleIdField]) ??
		asText(vehicle?.id) ??
		asText(data.vehicleId)
	);
}

/** VehicleChanged reasons (open list), empty for other types. */
export function eventReasons(event: ParsedEvent): string[] {
	const reasons = event.data.reasons;
	return Array.isArray(reasons) ? reasons.filter((r): r is string => typeof r === 'string') : [];
}
