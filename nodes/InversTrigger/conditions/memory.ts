import { LinkedList } from '../linkedList';

/**
 * What the trigger remembers per vehicle for its watched conditions: the last known value of each
 * watched value with its time, and which conditions are known and met. Bounded: past the cap the
 * least recently seen vehicle is forgotten (counted), so memory never grows with the fleet beyond
 * what the user allowed.
 */
export class VehicleRecord {
	/** Per watched value (by slot): the value, and its time in ms (NaN: never seen). */
	readonly values: unknown[];
	readonly times: number[];
	/** Bit per condition: whether it was evaluated for this vehicle yet. */
	known = 0;
	/** Bit per condition: whether it is met now. */
	met = 0;
	/** Links in the least-recently-seen order (owned by VehicleMemory's list). */
	previous?: VehicleRecord = undefined;
	next?: VehicleRecord = undefined;

	constructor(
		readonly vehicleId: string,
		slots: number,
	) {
		this.values = new Array<unknown>(slots).fill(undefined);
		this.times = new Array<number>(slots).fill(NaN);
	}
}

export class VehicleMemory {
	private readonly records = new Map<string, VehicleRecord>();
	/** Least recently seen first. */
	private readonly order = new LinkedList<VehicleRecord>();
	/** Vehicles forgotten because the cap was reached. */
	dropped = 0;

	constructor(
		private readonly maxVehicles: number,
		private readonly slots: number,
		/** Called when a vehicle is forgotten to stay within the cap. */
		private readonly onDrop?: (record: VehicleRecord) => void,
	) {}

	get size(): number {
		return this.records.size;
	}

	/** The vehicle's record, marked as the most recently seen; undefined when unknown. */
	touch(vehicleId: string): VehicleRecord | undefined {
		const record = this.records.get(vehicleId);
		if (record && record !== this.order.last) {
			this.order.delete(record);
			this.order.add(record);
		}
		return record;
	}

	/** A new record for a vehicle not known yet; forgets the least recently seen past the cap. */
	add(vehicleId: string): VehicleRecord {
		while (this.records.size >= this.maxVehicles) {
			const dropped = this.order.first;
			if (!dropped) break;
			this.order.delete(dropped);
			this.records.delete(dropped.vehicleId);
			this.dropped++;
			this.onDrop?.(dropped);
		}
		const record = new VehicleRecord(vehicleId, this.slots);
		this.records.set(vehicleId, record);
		this.order.add(record);
		return record;
	}
}
