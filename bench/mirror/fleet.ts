/**
 * The events of a large simulated fleet for `npm run bench:mirror`, and what the mirror must hold
 * afterwards. State events carry the vehicle's whole state (every property with its own timestamp,
 * as INVERS records it), change events the whole vehicle. A share of the events arrives late: an
 * older state or vehicle published after a newer one, as a vehicle that was out of coverage sends
 * what it buffered. The fleet remembers, per vehicle, the newest state and vehicle it published:
 * that is what the mirror's row must show, whatever order the events came in.
 */
import { randomUUID } from 'node:crypto';

import type { EventEnvelope } from '../../simulator/amqpPublisher';
import { generateFleet } from '../../simulator/fleetGenerator';
import { Random } from '../../simulator/prng';
import type { Vehicle, VehicleState } from '../../simulator/types';

export interface MirrorFleetOptions {
	size: number;
	seed: number;
	/** schema_major_version of the state events (INVERS documents 2). */
	stateVersion: number;
	/** Share of VehicleChanged among the events (0..1); the rest are VehicleStateRecorded. */
	changeShare: number;
	/** Share of events that carry an older state or vehicle than one already published (0..1). */
	lateShare: number;
}

/** The columns of the mirror's row (examples/README.md), as the fleet published them. */
export interface MirrorRow {
	state_of_charge_or_fuel_level_in_percent: number | null;
	mileage_in_kilometers: number | null;
	position_lat: number | null;
	position_lon: number | null;
	state_recorded_at: string | null;
	life_status: string | null;
	operation_status: string | null;
	vehicle_modified_at: string | null;
}

interface Tracked {
	vehicle: Vehicle;
	state: VehicleState;
	/** The newest state published (its time, ms), 0 for none yet. */
	stateAt: number;
	/** The newest vehicle published (its modified_at, ms), 0 for none yet. */
	modifiedAt: number;
	/** The row the mirror must hold. */
	expected: MirrorRow;
}

const LATE_BY_MS = { min: 1_000, max: 600_000 };

export class MirrorFleet {
	readonly ids: string[];
	private readonly random: Random;
	private readonly vehicles = new Map<string, Tracked>();
	/** Events published per type, and how many of them were late. */
	readonly counts = { state: 0, change: 0, late: 0 };

	constructor(private readonly options: MirrorFleetOptions) {
		const store = generateFleet(options.size, options.seed);
		this.random = new Random(options.seed + 1);
		this.ids = store.ids();
		for (const id of this.ids) {
			const record = store.get(id)!;
			this.vehicles.set(id, {
				vehicle: record.vehicle,
				state: record.state,
				stateAt: 0,
				modifiedAt: 0,
				expected: emptyRow(),
			});
		}
	}

	/** The next event, about a vehicle drawn at random, stamped `now` (ms) unless it is late. */
	next(now: number): EventEnvelope {
		const id = this.random.pick(this.ids);
		const tracked = this.vehicles.get(id)!;
		const change = this.random.chance(this.options.changeShare);
		const newestAt = change ? tracked.modifiedAt : tracked.stateAt;
		const late = newestAt > 0 && this.random.chance(this.options.lateShare);
		// Strictly newer than anything published for this vehicle, so "the newest" is unambiguous.
		const at = late
			? newestAt - this.random.int(LATE_BY_MS.min, LATE_BY_MS.max)
			: Math.max(now, newestAt + 1);
		if (late) this.counts.late++;
		return change ? this.vehicleChanged(tracked, at, late) : this.stateRecorded(tracked, at, late);
	}

	/** Per vehicle that got an event: the row the mirror must hold. */
	expectedRows(): Map<string, MirrorRow> {
		const rows = new Map<string, MirrorRow>();
		for (const [id, tracked] of this.vehicles) {
			if (tracked.stateAt || tracked.modifiedAt) rows.set(id, tracked.expected);
		}
		return rows;
	}

	private stateRecorded(tracked: Tracked, at: number, late: boolean): EventEnvelope {
		const timestamp = new Date(at).toISOString();
		const state = structuredClone(tracked.state);
		const set = (name: string, value: unknown) => {
			if (name in state) state[name] = { timestamp, value };
		};
		const charge = state.state_of_charge_or_fuel_level_in_percent?.value as number | undefined;
		const mileage = state.mileage_in_kilometers?.value as number | undefined;
		const position = state.position?.value as { lat: number; lon: number } | undefined;
		// A late state shows older values: a lower mileage, another charge and position.
		const direction = late ? -1 : 1;
		if (charge !== undefined) set('state_of_charge_or_fuel_level_in_percent', (charge + 37) % 101);
		if (mileage !== undefined) {
			set('mileage_in_kilometers', Math.max(0, mileage + direction * this.random.int(1, 40)));
		}
		if (position) {
			set('position', {
				lat: round6(position.lat + this.random.decimal(-0.01, 0.01, 6)),
				lon: round6(position.lon + this.random.decimal(-0.01, 0.01, 6)),
			});
		}
		this.counts.state++;
		if (!late) {
			tracked.state = state;
			tracked.stateAt = at;
			Object.assign(tracked.expected, stateColumns(state, timestamp));
		}
		return envelope('VehicleStateRecorded', this.options.stateVersion, timestamp, {
			vehicle_id: tracked.vehicle.id,
			vehicle_state: state,
		});
	}

	private vehicleChanged(tracked: Tracked, at: number, late: boolean): EventEnvelope {
		const timestamp = new Date(at).toISOString();
		const vehicle = structuredClone(tracked.vehicle);
		vehicle.modified_at = timestamp;
		const reasons: string[] = [];
		if (late || this.random.chance(0.5)) {
			const online = vehicle.life_status.value === 'ONLINE';
			vehicle.life_status = { value: online ? 'OFFLINE' : 'ONLINE', modified_at: timestamp };
			reasons.push('LIFE_STATUS_CHANGED');
		}
		if (late || !reasons.length) {
			const operating = vehicle.operation_status.value === 'OPERATING';
			vehicle.operation_status = {
				value: operating ? 'GARAGE' : 'OPERATING',
				modified_at: timestamp,
			};
			reasons.push('OPERATION_STATUS_CHANGED');
		}
		this.counts.change++;
		if (!late) {
			tracked.vehicle = vehicle;
			tracked.modifiedAt = at;
			Object.assign(tracked.expected, {
				life_status: vehicle.life_status.value,
				operation_status: vehicle.operation_status.value,
				vehicle_modified_at: timestamp,
			});
		}
		return envelope('VehicleChanged', 1, timestamp, { vehicle, reasons });
	}
}

function envelope(
	type: string,
	version: number,
	occurredAt: string,
	data: Record<string, unknown>,
): EventEnvelope {
	return {
		metadata: {
			id: randomUUID(),
			type,
			schema_major_version: version,
			occurred_at: occurredAt,
			flow_id: randomUUID(),
		},
		data,
	};
}

function emptyRow(): MirrorRow {
	return {
		state_of_charge_or_fuel_level_in_percent: null,
		mileage_in_kilometers: null,
		position_lat: null,
		position_lon: null,
		state_recorded_at: null,
		life_status: null,
		operation_status: null,
		vehicle_modified_at: null,
	};
}

function stateColumns(state: VehicleState, recordedAt: string) {
	const position = state.position?.value as { lat: number; lon: number } | undefined;
	return {
		state_of_charge_or_fuel_level_in_percent:
			(state.state_of_charge_or_fuel_level_in_percent?.value as number | undefined) ?? null,
		mileage_in_kilometers: (state.mileage_in_kilometers?.value as number | undefined) ?? null,
		position_lat: position?.lat ?? null,
		position_lon: position?.lon ?? null,
		// The newest property timestamp: every property the vehicle reports is stamped now, others
		// keep their older time.
		state_recorded_at: new Date(
			Math.max(Date.parse(recordedAt), ...Object.values(state).map((p) => Date.parse(p.timestamp))),
		).toISOString(),
	};
}

function round6(value: number): number {
	return Math.round(value * 1e6) / 1e6;
}

/** A mirror row differs from the expected one: which columns, with both values. */
export interface Mismatch {
	vehicle_id: string;
	columns: Record<string, { expected: unknown; actual: unknown }>;
}

/** Compares the mirror's rows with what the fleet published; dates as instants, numbers as numbers. */
export function compareRows(
	expected: Map<string, MirrorRow>,
	rows: Array<Record<string, unknown>>,
): { mismatches: Mismatch[]; duplicates: string[]; unexpected: string[] } {
	const byVehicle = new Map<string, Record<string, unknown>>();
	const duplicates: string[] = [];
	for (const row of rows) {
		const id = String(row.vehicle_id);
		if (byVehicle.has(id)) duplicates.push(id);
		byVehicle.set(id, row);
	}
	const mismatches: Mismatch[] = [];
	for (const [id, want] of expected) {
		const row = byVehicle.get(id) ?? {};
		const columns: Mismatch['columns'] = {};
		for (const [column, value] of Object.entries(want)) {
			const actual = row[column] ?? null;
			if (!sameValue(value, actual)) columns[column] = { expected: value, actual };
		}
		if (Object.keys(columns).length) mismatches.push({ vehicle_id: id, columns });
	}
	const unexpected = [...byVehicle.keys()].filter((id) => !expected.has(id));
	return { mismatches, duplicates, unexpected };
}

function sameValue(expected: unknown, actual: unknown): boolean {
	if (expected === null || actual === null) return expected === actual;
	if (typeof expected === 'string' && /^\d{4}-\d\d-\d\dT/.test(expected)) {
		return Date.parse(expected) === Date.parse(String(actual));
	}
	if (typeof expected === 'number') return Math.abs(expected - Number(actual)) < 1e-9;
	return expected === actual;
}
