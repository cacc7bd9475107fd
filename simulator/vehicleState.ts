/**
 * Latest vehicle states: plausible values per state capability, with enough outliers (low charge,
 * high mileage, ignition on) that maintenance sweeps and command conflicts have something to find.
 */
import type { CatalogModel } from './catalog';
import { HOUR, SECOND, isoTimestamp } from './clock';
import type { Random } from './prng';
import type { VehicleState } from './types';

/** Berlin, where every simulated vehicle roams. */
const HOME = { lat: 52.52, lon: 13.405 };

export interface StateProfile {
	online: boolean;
	inRental: boolean;
	isCar: boolean;
}

/** A complete state for a vehicle of `entry`'s model, timestamps just before `now`. */
export function generateState(
	random: Random,
	entry: CatalogModel,
	profile: StateProfile,
	now: number,
	formatTime: (epochMs: number) => string = isoTimestamp,
): VehicleState {
	const chargePercent = random.chance(0.1) ? random.int(3, 14) : random.int(15, 100);
	const highMileage = profile.isCar && random.chance(0.08);
	const mileage = highMileage
		? random.int(150_001, 240_000)
		: random.int(500, profile.isCar ? 140_000 : 30_000);
	const ignitionOn = profile.inRental && random.chance(0.4);
	const values: Record<string, unknown> = {
		central_lock: profile.inRental && random.chance(0.5) ? 'UNLOCKED' : 'LOCKED',
		driving_enabled: profile.inRental,
		ignition: ignitionOn ? 'ON' : 'OFF',
		mileage_in_kilometers: mileage,
		state_of_charge_or_fuel_level_in_percent: chargePercent,
		remaining_range_in_kilometers: Math.round((entry.maxRangeKm * chargePercent) / 100),
		position: {
			lat: random.decimal(HOME.lat - 0.12, HOME.lat + 0.12, 6),
			lon: random.decimal(HOME.lon - 0.2, HOME.lon + 0.2, 6),
		},
		cellular_signal_quality: profile.online ? random.int(1, 5) : random.int(0, 1),
		top_case_lock: random.chance(0.9) ? 'LOCKED' : 'UNLOCKED',
		top_case_lid: random.chance(0.9) ? 'CLOSED' : 'OPEN',
		battery_compartment_lock: 'LOCKED',
		rental_status: profile.inRental ? 'IN_RENTAL' : 'NOT_IN_RENTAL',
	};
	// An offline vehicle last reported hours ago; an online one within the last minutes.
	const reportedAt = profile.online
		? now - random.int(5, 600) * SECOND
		: now - random.int(2, 48) * HOUR;
	const state: VehicleState = {};
	for (const name of entry.model.capabilities.vehicle_state) {
		if (!(name in values)) continue;
		// Each property carries its own timestamp: they arrive in separate telematics messages.
		state[name] = {
			timestamp: formatTime(reportedAt - random.int(0, 30) * SECOND),
			value: values[name],
		};
	}
	return state;
}

/** Gives every property of `state` the timestamp `at`: the vehicle just reported all of it. */
export function refreshTimestamps(state: VehicleState, at: string): void {
	for (const property of Object.values(state)) property.timestamp = at;
}

/** Sets one property, creating it only if the vehicle reports that property at all. */
export function setStateValue(
	state: VehicleState,
	reported: readonly string[],
	name: string,
	value: unknown,
	at: string,
): void {
	if (!reported.includes(name)) return;
	state[name] = { timestamp: at, value };
}
