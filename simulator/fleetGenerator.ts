/**
 * The seeded fleet: the same seed always gives the same vehicles (ids, plates, VINs, values), so
 * tests and demos can rely on them. About 70% cars and 30% mopeds, with some of everything the
 * nodes must handle: electric, offline, in the garage, in rental, low charge, high mileage.
 */
import { SETUP_STATUS_FIELD } from './apiNames';
import { TELEMATICS_BRANDS, type CatalogModel, type TelematicsBrand } from './catalog';
import { DAY, MINUTE, isoTimestamp, memoizedIsoTimestamp } from './clock';
import { FleetStore } from './fleetStore';
import { Random } from './prng';
import type { CustomFieldValue, Vehicle } from './types';
import { generateVin } from './vin';
import { generateState } from './vehicleState';

const STATIONS = [
	'Berlin-Mitte',
	'Berlin-Kreuzberg',
	'Berlin-Prenzlauer Berg',
	'Berlin-Charlottenburg',
	'Berlin-Friedrichshain',
	'BER Airport',
	'Potsdam-Hbf',
];
const PLATE_LETTERS = 'ABCDEFGHIJKLMNOPRSTUVWXYZ';
/** Seeded units live outside the unassigned registry ranges (10001..10999, 20001..20999). */
const SEEDED_UNIT_START: Record<string, number> = { CLOUDBOXX: 500_001, NIU: 700_001 };

const [CAR_BRAND, MOPED_BRAND] = TELEMATICS_BRANDS;

export function generateFleet(size: number, seed: number, now: number = Date.now()): FleetStore {
	const random = new Random(seed);
	const store = new FleetStore(
		random,
		`FLEET-${random.string('ABCDEFGHJKLMNPRSTUVWXYZ23456789', 4)}`,
	);
	const plates = new Set<string>();
	const formatTime = memoizedIsoTimestamp();
	for (let index = 0; index < size; index++) {
		const brand = random.chance(0.7) ? CAR_BRAND : MOPED_BRAND;
		const entry = random.pick(brand.models);
		const unitId = `${brand.unitPrefix}${SEEDED_UNIT_START[brand.name] + index}`;
		store.registerUnit(brand.name, unitId);
		const vehicle = seededVehicle(random, store, {
			brand,
			entry,
			unitId,
			index,
			now,
			plates,
			formatTime,
		});
		const online = vehicle.life_status.value === 'ONLINE';
		const inRental = vehicle.rental_status.value === 'IN_RENTAL';
		const isCar = entry.model.vehicle_type === 'CAR';
		const state = generateState(random, entry, { online, inRental, isCar }, now, formatTime);
		store.insert({ vehicle, state, version: 1, sharedWithPartner: random.chance(0.02) });
	}
	return store;
}

interface SeedContext {
	brand: TelematicsBrand;
	entry: CatalogModel;
	unitId: string;
	index: number;
	now: number;
	plates: Set<string>;
	formatTime: (epochMs: number) => string;
}

function seededVehicle(random: Random, store: FleetStore, seed: SeedContext): Vehicle {
	const { brand, entry, unitId, index, now, plates, formatTime } = seed;
	const createdAt = now - random.int(30, 1500) * DAY - random.int(0, DAY / MINUTE) * MINUTE;
	const modifiedAt = createdAt + Math.floor(random.float() * (now - createdAt));
	const statusChangedAt = () => formatTime(now - random.int(1, 72 * 60) * MINUTE);
	const year = random.int(2018, 2025);
	const station = random.pick(STATIONS);
	const online = random.chance(0.9);
	const garage = random.chance(0.08);
	const inRental = !garage && online && random.chance(0.25);
	return {
		id: store.newVehicleId(),
		fleet_id: store.fleetId,
		created_at: isoTimestamp(createdAt),
		modified_at: isoTimestamp(modifiedAt),
		master_data: {
			vin: generateVin(random, entry.vinPrefix, year),
			license_plate: uniquePlate(random, plates),
			brand: entry.model.vehicle_brand,
			model: entry.model.vehicle_model,
			custom_name: `${entry.model.vehicle_model} #${index + 1}`,
			fuel_type: entry.fuelType,
			year_of_production: String(year),
			transmission: entry.transmission,
			vehicle_type: entry.model.vehicle_type,
		},
		custom_fields: customFields(random, station),
		tags: tags(random, entry, station),
		life_status: { value: online ? 'ONLINE' : 'OFFLINE', modified_at: statusChangedAt() },
		operation_status: { value: garage ? 'GARAGE' : 'OPERATING', modified_at: statusChangedAt() },
		rental_status: {
			value: inRental ? 'IN_RENTAL' : 'NOT_IN_RENTAL',
			modified_at: statusChangedAt(),
		},
		capabilities: {
			commands: [...entry.model.capabilities.commands],
			vehicle_state: [...entry.model.capabilities.vehicle_state],
		},
		telematics_unit: {
			id: unitId,
			brand: brand.name,
			model: brand.unitModel,
			manufacturer: brand.manufacturer,
		},
		[SETUP_STATUS_FIELD]: 'SUCCEEDED',
	};
}

function uniquePlate(random: Random, plates: Set<string>): string {
	for (;;) {
		const plate = `B-${random.string(PLATE_LETTERS, 2)} ${random.int(1, 9999)}`;
		if (!plates.has(plate)) {
			plates.add(plate);
			return plate;
		}
	}
}

function customFields(random: Random, station: string): Record<string, CustomFieldValue> {
	return { station, cost_center: `CC-${random.int(10, 29)}` };
}

function tags(random: Random, entry: CatalogModel, station: string): string[] {
	const result: string[] = [];
	if (station === 'BER Airport') result.push('airport');
	else if (random.chance(0.6)) result.push('city');
	if (entry.fuelType === 'ELECTRIC') result.push('ev');
	if (random.chance(0.15)) result.push('premium');
	if (random.chance(0.3)) result.push('pool-a');
	return result;
}
