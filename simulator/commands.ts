/**
 * Vehicle Commands API. Checks run in the order a real backend would meet them (vehicle, setup,
 * partner sharing, capability, state, connectivity); then the command "travels" for
 * commandLatencyMs (each request on its own timer, so commands run concurrently) and changes the
 * vehicle's state.
 */
import { SETUP_STATUS_FIELD } from './apiNames';
import { isoTimestamp } from './clock';
import { vehicleStateRecorded } from './events';
import { type Reply, type RequestContext, json } from './http';
import { type Command, capabilityOfPathSegment, problemTypes } from './inversRules';
import { HttpProblem, type ProblemType, notFound } from './problems';
import type { Simulation } from './simulation';
import type { VehicleRecord } from './types';
import { refreshTimestamps, setStateValue } from './vehicleState';
import { requireVehicle } from './vehicles';

/** What each command sets; commands not listed (draw attention, request state) only report. */
const EFFECTS: Partial<Record<Command, Array<[property: string, value: unknown]>>> = {
	UNLOCK_CENTRAL_LOCK: [['central_lock', 'UNLOCKED']],
	LOCK_CENTRAL_LOCK: [['central_lock', 'LOCKED']],
	ENABLE_DRIVING: [['driving_enabled', true]],
	DISABLE_DRIVING: [['driving_enabled', false]],
	UNLOCK_AND_ENABLE_DRIVING: [
		['central_lock', 'UNLOCKED'],
		['driving_enabled', true],
	],
	LOCK_AND_DISABLE_DRIVING: [
		['central_lock', 'LOCKED'],
		['driving_enabled', false],
	],
	UNLOCK_TOP_CASE: [['top_case_lock', 'UNLOCKED']],
	LOCK_TOP_CASE: [['top_case_lock', 'LOCKED']],
	UNLOCK_BATTERY_COMPARTMENT: [['battery_compartment_lock', 'UNLOCKED']],
};

/** Locking a vehicle whose ignition is on would lock someone out mid-trip. */
const NEEDS_IGNITION_OFF: readonly string[] = ['LOCK_CENTRAL_LOCK', 'LOCK_AND_DISABLE_DRIVING'];

export async function executeCommand(ctx: RequestContext, sim: Simulation): Promise<Reply> {
	const vehicleId = ctx.params.id;
	const capability = capabilityOfPathSegment(ctx.params.command);
	if (!capability) throw notFound(`No resource at ${ctx.method} ${ctx.pathname}.`);
	checkCommandAllowed(requireVehicle(sim, vehicleId), capability);
	await sim.delays.sleep(sim.config.commandLatencyMs);
	// Looked up again: the vehicle may have been removed while the command travelled.
	const record = requireVehicle(sim, vehicleId);
	const at = isoTimestamp();
	refreshTimestamps(record.state, at);
	for (const [property, value] of EFFECTS[capability as Command] ?? []) {
		setStateValue(record.state, record.vehicle.capabilities.vehicle_state, property, value, at);
	}
	sim.stats.commandsReceived.push({ vehicleId, command: capability, at });
	sim.publish(vehicleStateRecorded(vehicleId, record.state, ctx.flowId));
	return json(200, record.state);
}

function checkCommandAllowed(record: VehicleRecord, capability: string): void {
	const refusal = commandRefusal(record, capability);
	if (refusal) throw refusal;
}

/** Why the vehicle would refuse the command now, or undefined when it would carry it out. */
export function commandRefusal(record: VehicleRecord, capability: string): HttpProblem | undefined {
	const vehicle = record.vehicle;
	const setupStatus = vehicle[SETUP_STATUS_FIELD];
	if (setupStatus !== 'SUCCEEDED') {
		return conflict(
			problemTypes.conflictingSetupStatus,
			`Vehicle '${vehicle.id}' cannot take commands: its setup status is ${setupStatus}.`,
		);
	}
	if (record.sharedWithPartner) {
		return conflict(
			problemTypes.sharedWithPartner,
			`Vehicle '${vehicle.id}' is shared with a partner fleet and takes no commands from this fleet.`,
		);
	}
	if (!vehicle.capabilities.commands.includes(capability)) {
		return conflict(
			problemTypes.commandNotSupported,
			`Vehicle '${vehicle.id}' does not support the command ${capability} (it supports ${vehicle.capabilities.commands.join(', ')}).`,
		);
	}
	if (NEEDS_IGNITION_OFF.includes(capability) && record.state.ignition?.value === 'ON') {
		return conflict(
			problemTypes.conflictingState,
			`Vehicle '${vehicle.id}' cannot ${capability} while its ignition is ON.`,
		);
	}
	if (vehicle.life_status.value === 'OFFLINE') {
		return new HttpProblem(
			500,
			problemTypes.telematicsUnitError,
			`The telematics unit of vehicle '${vehicle.id}' did not answer: the vehicle is OFFLINE.`,
		);
	}
	return undefined;
}

function conflict(type: ProblemType, detail: string): HttpProblem {
	return new HttpProblem(409, type, detail);
}

export interface ParkedVehicleFilter {
	/** A command the vehicle must carry out now (capability or path segment), e.g. UNLOCK_CENTRAL_LOCK. */
	command?: string;
	/** e.g. CAR. */
	vehicleType?: string;
}

/**
 * Vehicles standing still and free (ignition not on, not in rental) that would carry out the
 * command now: what a demo sends a command to without meeting a 409 (the sandbox's banner prints
 * one for example 4, unlock on booking).
 */
export function parkedVehicles(sim: Simulation, filter: ParkedVehicleFilter = {}): string[] {
	const capability =
		filter.command === undefined
			? undefined
			: (capabilityOfPathSegment(filter.command) ?? filter.command);
	return sim.fleet.ids().filter((id) => {
		const record = sim.fleet.get(id)!;
		const vehicle = record.vehicle;
		if (record.state.ignition?.value === 'ON') return false;
		if (vehicle.rental_status.value === 'IN_RENTAL') return false;
		if (filter.vehicleType && vehicle.master_data.vehicle_type !== filter.vehicleType) return false;
		return capability === undefined || commandRefusal(record, capability) === undefined;
	});
}
