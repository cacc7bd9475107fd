/**
 * Live telemetry on demand: a vehicle reports a slightly changed state, as a VehicleStateRecorded
 * event. Lets trigger workflows be tried without a real vehicle driving around.
 */
import { isoTimestamp } from './clock';
import { vehicleStateRecorded } from './events';
import type { Simulation } from './simulation';
import type { EventEnvelope, VehicleRecord } from './types';

/** How many random vehicles to try before giving up on finding one that reports. */
const PICK_ATTEMPTS = 50;

export function emitTelemetry(sim: Simulation, vehicleId?: string): EventEnvelope {
	const record = vehicleId === undefined ? pickReportingVehicle(sim) : sim.fleet.get(vehicleId);
	if (!record) {
		throw new Error(vehicleId ? `no vehicle '${vehicleId}'` : 'no vehicle reports state');
	}
	const random = sim.telemetryRandom;
	const state = record.state;
	const at = isoTimestamp();
	const update = (name: string, value: unknown) => {
		if (state[name]) state[name] = { timestamp: at, value };
	};
	const position = state.position?.value as { lat: number; lon: number } | undefined;
	if (position) {
		const drift = () => random.decimal(-0.0005, 0.0005, 6);
		update('position', {
			lat: round6(position.lat + drift()),
			lon: round6(position.lon + drift()),
		});
	}
	update('cellular_signal_quality', random.int(1, 5));
	if (state.ignition?.value === 'ON') {
		// Driving: a little further, a little emptier.
		const mileage = Number(state.mileage_in_kilometers?.value ?? 0);
		update('mileage_in_kilometers', mileage + random.int(0, 2));
		const charge = Number(state.state_of_charge_or_fuel_level_in_percent?.value ?? 0);
		update('state_of_charge_or_fuel_level_in_percent', Math.max(0, charge - random.int(0, 1)));
	}
	const envelope = vehicleStateRecorded(record.vehicle.id, state);
	sim.publish(envelope);
	return envelope;
}

function pickReportingVehicle(sim: Simulation): VehicleRecord | undefined {
	for (let attempt = 0; attempt < PICK_ATTEMPTS && sim.fleet.size > 0; attempt++) {
		const record = sim.fleet.at(sim.telemetryRandom.int(0, sim.fleet.size - 1));
		if (
			record &&
			record.vehicle.life_status.value === 'ONLINE' &&
			Object.keys(record.state).length
		) {
			return record;
		}
	}
	return undefined;
}

function round6(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}
