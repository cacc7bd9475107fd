/**
 * Events in the Events API envelope. The simulator only emits them in-process; whatever publishes
 * them elsewhere (e.g. to RabbitMQ) subscribes to `sim.events` and needs nothing else from here.
 */
import { randomUUID } from 'node:crypto';
import { eventNames } from './apiNames';
import { isoTimestamp } from './clock';
import type { EventEnvelope, Vehicle, VehicleState } from './types';

/**
 * Reasons of VehicleChanged. The first three are the documented ones; the others are the
 * simulator's, the list being open.
 */
export const changeReasons = {
	masterData: 'MASTER_DATA_CHANGED',
	lifeStatus: 'LIFE_STATUS_CHANGED',
	rentalStatus: 'RENTAL_STATUS_CHANGED',
	customFields: 'CUSTOM_FIELDS_CHANGED',
	tags: 'TAGS_CHANGED',
	operationStatus: 'OPERATION_STATUS_CHANGED',
	setupStatus: 'SETUP_STATUS_CHANGED',
	vehicleAdded: 'VEHICLE_ADDED',
	vehicleRemoved: 'VEHICLE_REMOVED',
} as const;

export type EventPublisher = (envelope: EventEnvelope) => void;

/**
 * Schema major versions as INVERS documents them: its own example VehicleStateRecorded is major
 * version 2. The version of VehicleChanged is not documented; 1 is the simulator's choice.
 */
export const SCHEMA_MAJOR_VERSIONS: Record<string, number> = {
	VehicleStateRecorded: 2,
	VehicleChanged: 1,
};

export function createEnvelope<TData extends Record<string, unknown>>(
	type: string,
	data: TData,
	flowId: string = randomUUID(),
): EventEnvelope<TData> {
	return {
		metadata: {
			id: randomUUID(),
			type,
			schema_major_version: SCHEMA_MAJOR_VERSIONS[type] ?? 1,
			occurred_at: isoTimestamp(),
			flow_id: flowId,
		},
		data,
	};
}

/** The vehicle is copied: the event must show it as it was, not as later requests change it. */
export function vehicleChanged(
	vehicle: Vehicle,
	reasons: string[],
	flowId?: string,
): EventEnvelope {
	return createEnvelope(
		eventNames.vehicleChanged,
		{ vehicle: structuredClone(vehicle), reasons },
		flowId,
	);
}

export function vehicleStateRecorded(
	vehicleId: string,
	state: VehicleState,
	flowId?: string,
): EventEnvelope {
	return createEnvelope(
		eventNames.vehicleStateRecorded,
		{
			[eventNames.stateRecordedVehicleIdField]: vehicleId,
			[eventNames.stateRecordedStateField]: structuredClone(state),
		},
		flowId,
	);
}
