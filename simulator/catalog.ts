/**
 * The telematics brands the simulator knows, their vehicle models and their unassigned units.
 * Model ids are fixed literals (not derived from the seed) so that a human can copy one into an
 * n8n workflow once and keep using it across restarts.
 */
import type { Command, UnitCredentials } from './inversRules';

export interface VehicleModel {
	id: string;
	vehicle_brand: string;
	vehicle_model: string;
	vehicle_type: string;
	capabilities: { commands: Command[]; vehicle_state: string[] };
}

export interface CatalogModel {
	model: VehicleModel;
	fuelType: string;
	transmission: string;
	/** World manufacturer identifier plus vehicle descriptor: the first 8 VIN characters. */
	vinPrefix: string;
	maxRangeKm: number;
}

export interface TelematicsBrand {
	name: string;
	unitModel: string;
	manufacturer: string;
	/** What an add request of one of its units carries to reach it (see inversRules). */
	unitCredentials: UnitCredentials;
	/** Unassigned units `${prefix}${first}`..`${prefix}${last}` can be added as new vehicles. */
	unitPrefix: string;
	firstUnassignedUnit: number;
	lastUnassignedUnit: number;
	models: CatalogModel[];
}

const CAR_COMMANDS: Command[] = [
	'UNLOCK_CENTRAL_LOCK',
	'LOCK_CENTRAL_LOCK',
	'ENABLE_DRIVING',
	'DISABLE_DRIVING',
	'UNLOCK_AND_ENABLE_DRIVING',
	'LOCK_AND_DISABLE_DRIVING',
	'REQUEST_VEHICLE_STATE',
	'DRAW_ATTENTION',
];

const MOPED_COMMANDS: Command[] = [
	'UNLOCK_TOP_CASE',
	'LOCK_TOP_CASE',
	'UNLOCK_BATTERY_COMPARTMENT',
	'ENABLE_DRIVING',
	'DISABLE_DRIVING',
	'REQUEST_VEHICLE_STATE',
	'DRAW_ATTENTION',
];

/** Reported by every vehicle, whatever its type. */
const COMMON_STATE = [
	'driving_enabled',
	'ignition',
	'mileage_in_kilometers',
	'state_of_charge_or_fuel_level_in_percent',
	'remaining_range_in_kilometers',
	'position',
	'cellular_signal_quality',
	'rental_status',
];
const CAR_STATE = ['central_lock', ...COMMON_STATE];
const MOPED_STATE = ['top_case_lock', 'top_case_lid', 'battery_compartment_lock', ...COMMON_STATE];

function car(
	id: string,
	brand: string,
	name: string,
	fuelType: string,
	vinPrefix: string,
	maxRangeKm: number,
): CatalogModel {
	return {
		model: {
			id,
			vehicle_brand: brand,
			vehicle_model: name,
			vehicle_type: 'CAR',
			capabilities: { commands: [...CAR_COMMANDS], vehicle_state: [...CAR_STATE] },
		},
		fuelType,
		transmission: 'AUTOMATIC',
		vinPrefix,
		maxRangeKm,
	};
}

export const TELEMATICS_BRANDS: TelematicsBrand[] = [
	{
		name: 'CLOUDBOXX',
		unitModel: 'CloudBoxx 4G',
		manufacturer: 'INVERS',
		unitCredentials: 'none',
		unitPrefix: 'CBX-',
		firstUnassignedUnit: 10001,
		lastUnassignedUnit: 10999,
		models: [
			car('01HQJGXPRPG4179ZPNB83WVTE8', 'Volkswagen', 'ID.3', 'ELECTRIC', 'WVWZZZE1', 420),
			car('01HQT1RYS3AM18GR8G0JHMPVT7', 'Renault', 'ZOE', 'ELECTRIC', 'VF1AG000', 380),
			car('01HQTDX4V90F04X7AKQJSKK282', 'Volkswagen', 'Golf', 'PETROL', 'WVWZZZCD', 750),
			car('01HQWZ7T7D204BHZDCBMD0RDT5', 'Opel', 'Corsa', 'PETROL', 'W0L0XCF6', 650),
		],
	},
	{
		name: 'NIU',
		unitModel: 'NIU IoT Box',
		manufacturer: 'NIU',
		unitCredentials: 'exactly-one',
		unitPrefix: 'NIU-',
		firstUnassignedUnit: 20001,
		lastUnassignedUnit: 20999,
		models: [
			{
				model: {
					id: '01HQNGRMFD70AH9ZTK3YJK33TN',
					vehicle_brand: 'NIU',
					vehicle_model: 'NQi GT',
					vehicle_type: 'MOPED',
					capabilities: { commands: [...MOPED_COMMANDS], vehicle_state: [...MOPED_STATE] },
				},
				fuelType: 'ELECTRIC',
				transmission: 'AUTOMATIC',
				vinPrefix: 'LNAB2GT1',
				maxRangeKm: 70,
			},
			{
				// Deliberately without a battery compartment: mopeds differ in what they can do.
				model: {
					id: '01HQERMVA4E2WAPG22HEY0YXKK',
					vehicle_brand: 'NIU',
					vehicle_model: 'MQi+ Sport',
					vehicle_type: 'MOPED',
					capabilities: {
						commands: MOPED_COMMANDS.filter((c) => c !== 'UNLOCK_BATTERY_COMPARTMENT'),
						vehicle_state: MOPED_STATE.filter((s) => s !== 'battery_compartment_lock'),
					},
				},
				fuelType: 'ELECTRIC',
				transmission: 'AUTOMATIC',
				vinPrefix: 'LNAM1PS2',
				maxRangeKm: 60,
			},
		],
	},
];

export function findBrand(name: string): TelematicsBrand | undefined {
	return TELEMATICS_BRANDS.find((brand) => brand.name === name);
}

export function findModel(brand: TelematicsBrand, modelId: string): CatalogModel | undefined {
	return brand.models.find((entry) => entry.model.id === modelId);
}

/** Whether `unitId` is one of the brand's unassigned units from the fixed registry range. */
export function isRegistryUnit(brand: TelematicsBrand, unitId: string): boolean {
	if (!unitId.startsWith(brand.unitPrefix)) return false;
	const digits = unitId.slice(brand.unitPrefix.length);
	if (!/^\d+$/.test(digits)) return false;
	const number = Number(digits);
	return number >= brand.firstUnassignedUnit && number <= brand.lastUnassignedUnit;
}

/** The simulator's failure knob: units whose id ends with 999 never finish their setup. */
export function unitFailsSetup(unitId: string): boolean {
	return unitId.endsWith('999');
}
