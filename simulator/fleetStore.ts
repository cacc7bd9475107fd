/**
 * The fleet in memory: active vehicles in a stable order, the archive, and which telematics units
 * are taken. Paging is O(page size): the order array is sorted by insertion number, so a page
 * token (the last insertion number seen) is found by binary search, not by scanning.
 */
import type { Random } from './prng';
import type { Vehicle, VehicleRecord } from './types';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ID_LENGTH = 5;

export interface FleetPage {
	items: Vehicle[];
	/** Insertion number of the last item when more items follow; undefined on the last page. */
	nextAfterSeq: number | undefined;
}

export class FleetStore {
	private readonly active = new Map<string, VehicleRecord>();
	private readonly archived = new Map<string, VehicleRecord>();
	/** Active records sorted by `seq`. */
	private order: VehicleRecord[] = [];
	/** `${brand}/${unitId}` of units held by an active vehicle → that vehicle's id. */
	private readonly unitsInUse = new Map<string, string>();
	/** Units that exist besides the brands' unassigned registry ranges: those of seeded vehicles. */
	private readonly knownUnits = new Set<string>();
	/** Every id ever handed out, archived ones included: ids are never reused. */
	private readonly usedIds = new Set<string>();
	private nextSeq = 1;

	constructor(
		readonly random: Random,
		readonly fleetId: string,
	) {}

	get size(): number {
		return this.order.length;
	}

	newVehicleId(): string {
		for (;;) {
			const id = this.random.string(ID_ALPHABET, ID_LENGTH);
			if (!this.usedIds.has(id)) {
				this.usedIds.add(id);
				return id;
			}
		}
	}

	/** Adds a vehicle at the end of the list order. */
	insert(record: Omit<VehicleRecord, 'seq'>): VehicleRecord {
		const stored: VehicleRecord = { ...record, seq: this.nextSeq++ };
		const unit = stored.vehicle.telematics_unit;
		this.active.set(stored.vehicle.id, stored);
		this.order.push(stored);
		this.usedIds.add(stored.vehicle.id);
		this.unitsInUse.set(unitKey(unit.brand, unit.id), stored.vehicle.id);
		return stored;
	}

	/** Registers the unit of a seeded vehicle, so that it can be added again after removal. */
	registerUnit(brand: string, unitId: string): void {
		this.knownUnits.add(unitKey(brand, unitId));
	}

	isKnownUnit(brand: string, unitId: string): boolean {
		return this.knownUnits.has(unitKey(brand, unitId));
	}

	/** The id of the active vehicle holding the unit, if any. */
	unitHolder(brand: string, unitId: string): string | undefined {
		return this.unitsInUse.get(unitKey(brand, unitId));
	}

	get(id: string): VehicleRecord | undefined {
		return this.active.get(id);
	}

	getArchived(id: string): VehicleRecord | undefined {
		return this.archived.get(id);
	}

	/** The active vehicle at list position `index`. */
	at(index: number): VehicleRecord | undefined {
		return this.order[index];
	}

	ids(): string[] {
		return this.order.map((record) => record.vehicle.id);
	}

	/** Moves a vehicle to the archive and frees its unit. */
	archive(id: string, archivedAt: string): VehicleRecord | undefined {
		const record = this.active.get(id);
		if (!record) return undefined;
		this.active.delete(id);
		this.order.splice(this.indexAfter(record.seq - 1), 1);
		const unit = record.vehicle.telematics_unit;
		this.unitsInUse.delete(unitKey(unit.brand, unit.id));
		record.vehicle.archived_at = archivedAt;
		this.archived.set(id, record);
		return record;
	}

	/**
	 * Up to `limit` vehicles after insertion number `afterSeq` that pass `matches`. Items are the
	 * stored objects themselves (serialised right away), so a page costs no copies.
	 */
	page(afterSeq: number, limit: number, matches?: (vehicle: Vehicle) => boolean): FleetPage {
		const items: Vehicle[] = [];
		let index = this.indexAfter(afterSeq);
		let lastSeq = afterSeq;
		for (; index < this.order.length && items.length < limit; index++) {
			const record = this.order[index];
			if (matches && !matches(record.vehicle)) continue;
			items.push(record.vehicle);
			lastSeq = record.seq;
		}
		if (items.length < limit) return { items, nextAfterSeq: undefined };
		// A full page: only promise a next page if one more item would be on it.
		for (; index < this.order.length; index++) {
			if (!matches || matches(this.order[index].vehicle)) return { items, nextAfterSeq: lastSeq };
		}
		return { items, nextAfterSeq: undefined };
	}

	/** Index of the first active record whose `seq` is greater than `seq` (binary search). */
	private indexAfter(seq: number): number {
		let low = 0;
		let high = this.order.length;
		while (low < high) {
			const middle = (low + high) >>> 1;
			if (this.order[middle].seq <= seq) low = middle + 1;
			else high = middle;
		}
		return low;
	}
}

function unitKey(brand: string, unitId: string): string {
	return `${brand}/${unitId}`;
}
