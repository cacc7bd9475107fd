import type { IDataObject } from 'n8n-workflow';

interface CacheEntry {
	expiresAt: number;
	vehicle: Promise<IDataObject>;
}

/** At most this many vehicles are kept; the oldest goes first. */
const MAX_VEHICLES = 5_000;

/**
 * Vehicles fetched for state events, reused for a short time. Concurrent state events of one
 * vehicle share one request; a VehicleChanged event carries the new vehicle and replaces the
 * entry at once, so the cache is never staler than the event stream.
 */
export class VehicleCache {
	private readonly entries = new Map<string, CacheEntry>();

	constructor(
		private readonly ttlMs: number,
		private readonly fetchVehicle: (vehicleId: string) => Promise<IDataObject>,
		private readonly now: () => number = Date.now,
	) {}

	async get(vehicleId: string): Promise<IDataObject> {
		const cached = this.entries.get(vehicleId);
		if (cached && cached.expiresAt > this.now()) return await cached.vehicle;
		const vehicle = this.fetchVehicle(vehicleId);
		this.store(vehicleId, vehicle);
		// A failed fetch is not cached: the next event tries again.
		vehicle.catch(() => {
			if (this.entries.get(vehicleId)?.vehicle === vehicle) this.entries.delete(vehicleId);
		});
		return await vehicle;
	}

	/** A VehicleChanged event tells the current vehicle: keep it instead of what was fetched. */
	replace(vehicleId: string, vehicle: unknown): void {
		if (vehicle && typeof vehicle === 'object' && !Array.isArray(vehicle)) {
			this.store(vehicleId, Promise.resolve(vehicle as IDataObject));
		} else {
			this.entries.delete(vehicleId);
		}
	}

	private store(vehicleId: string, vehicle: Promise<IDataObject>): void {
		if (this.ttlMs <= 0) return;
		// Avoid an unhandled rejection for a cached promise nobody awaits any more.
		vehicle.catch(() => undefined);
		this.entries.delete(vehicleId);
		this.entries.set(vehicleId, { expiresAt: this.now() + this.ttlMs, vehicle });
		if (this.entries.size > MAX_VEHICLES) {
			const oldest = this.entries.keys().next().value;
			if (oldest !== undefined) this.entries.delete(oldest);
		}
	}
}
