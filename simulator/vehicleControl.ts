/**
 * Direct access to vehicles for tests: read them without HTTP, and put them into states that are
 * hard to reach through the API (ignition on, offline, shared with a partner, setup pending).
 */
import { SETUP_STATUS_FIELD } from './apiNames';
import { isoTimestamp } from './clock';
import { changeReasons, vehicleChanged } from './events';
import type { Simulation } from './simulation';
import type { SetupStatus, StateProperty, Vehicle, VehicleRecord, VehicleState } from './types';

export interface VehicleFlags {
	sharedWithPartner?: boolean;
	lifeStatus?: string;
	setupStatus?: SetupStatus;
}

function requireRecord(sim: Simulation, vehicleId: string): VehicleRecord {
	const record = sim.fleet.get(vehicleId);
	if (!record) throw new Error(`simulator: no active vehicle '${vehicleId}'`);
	return record;
}

/** A copy: changing it does not change the simulator's vehicle. */
export function vehicleSnapshot(sim: Simulation, vehicleId: string): Vehicle | undefined {
	const record = sim.fleet.get(vehicleId);
	return record && structuredClone(record.vehicle);
}

export function stateSnapshot(sim: Simulation, vehicleId: string): VehicleState | undefined {
	const record = sim.fleet.get(vehicleId);
	return record && structuredClone(record.state);
}

/**
 * Overwrites state properties silently (no event). Each entry is a bare value (timestamped now)
 * or a full `{ timestamp, value }`; `undefined` removes the property.
 */
export function setVehicleState(
	sim: Simulation,
	vehicleId: string,
	partial: Record<string, unknown>,
): void {
	const state = requireRecord(sim, vehicleId).state;
	const now = isoTimestamp();
	for (const [name, entry] of Object.entries(partial)) {
		if (entry === undefined) delete state[name];
		else state[name] = isStateProperty(entry) ? { ...entry } : { timestamp: now, value: entry };
	}
}

function isStateProperty(entry: unknown): entry is StateProperty {
	return !!entry && typeof entry === 'object' && 'timestamp' in entry && 'value' in entry;
}

/** Sets internal flags and statuses; status changes emit VehicleChanged like the real backend. */
export function setVehicleFlags(sim: Simulation, vehicleId: string, flags: VehicleFlags): void {
	const record = requireRecord(sim, vehicleId);
	const vehicle = record.vehicle;
	const now = isoTimestamp();
	if (flags.sharedWithPartner !== undefined) record.sharedWithPartner = flags.sharedWithPartner;
	const reasons: string[] = [];
	if (flags.lifeStatus !== undefined && flags.lifeStatus !== vehicle.life_status.value) {
		vehicle.life_status = { value: flags.lifeStatus, modified_at: now };
		reasons.push(changeReasons.lifeStatus);
	}
	if (flags.setupStatus !== undefined && flags.setupStatus !== vehicle[SETUP_STATUS_FIELD]) {
		vehicle[SETUP_STATUS_FIELD] = flags.setupStatus;
		reasons.push(changeReasons.setupStatus);
	}
	if (reasons.length === 0) return;
	vehicle.modified_at = now;
	record.version++;
	sim.publish(vehicleChanged(vehicle, reasons));
}
