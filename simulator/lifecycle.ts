/**
 * Vehicle Lifecycle API: available vehicle models, adding a vehicle (with its asynchronous setup)
 * and removing one to the archive.
 */
import { SETUP_STATUS_FIELD, paths } from './apiNames';
import {
	type CatalogModel,
	type TelematicsBrand,
	findBrand,
	findModel,
	isRegistryUnit,
	unitFailsSetup,
} from './catalog';
import { isoTimestamp } from './clock';
import { etagOf } from './etag';
import { changeReasons, vehicleChanged } from './events';
import { type Reply, type RequestContext, json, jsonBody } from './http';
import { ADD_PROPERTIES, problemTypes, unitCredentialsProblem } from './inversRules';
import { HttpProblem, notFound, validationError, vehicleNotFound } from './problems';
import type { Simulation } from './simulation';
import type { CustomFieldValue, Vehicle, VehicleRecord } from './types';
import {
	rejectUnknownKeys,
	requireEnumValue,
	requireObject,
	requireString,
	validateCustomFields,
	validateMasterData,
	validateTags,
} from './validation';
import { generateState } from './vehicleState';

export function listVehicleModels(ctx: RequestContext): Reply {
	const brand = findBrand(ctx.params.brand);
	if (!brand) throw notFound(`Unknown telematics brand '${ctx.params.brand}'.`);
	return json(200, { items: brand.models.map((entry) => entry.model) });
}

const referencedNotFound = (field: string, detail: string) =>
	new HttpProblem(400, problemTypes.referencedResourceNotFound, `${field}: ${detail}`);

/** A validated add request, references not yet resolved. */
interface AddRequest {
	brandName: string;
	unitId: string;
	modelId: string;
	masterData: Vehicle['master_data'];
	customFields: Record<string, CustomFieldValue>;
	tags: string[];
	operationStatus: string;
	/** The request as sent, for the checks that depend on the brand. */
	body: Record<string, unknown>;
}

export function addVehicle(ctx: RequestContext, sim: Simulation): Reply {
	const request = parseAddRequest(jsonBody(ctx));
	const { brand, entry } = resolveReferences(sim, request);
	const now = isoTimestamp();
	const vehicle: Vehicle = {
		id: sim.fleet.newVehicleId(),
		fleet_id: sim.fleet.fleetId,
		created_at: now,
		modified_at: now,
		master_data: {
			brand: entry.model.vehicle_brand,
			model: entry.model.vehicle_model,
			fuel_type: entry.fuelType,
			transmission: entry.transmission,
			vehicle_type: entry.model.vehicle_type,
			...request.masterData,
		},
		custom_fields: request.customFields,
		tags: request.tags,
		life_status: { value: 'ONLINE', modified_at: now },
		operation_status: { value: request.operationStatus, modified_at: now },
		rental_status: { value: 'NOT_IN_RENTAL', modified_at: now },
		capabilities: {
			commands: [...entry.model.capabilities.commands],
			vehicle_state: [...entry.model.capabilities.vehicle_state],
		},
		telematics_unit: {
			id: request.unitId,
			brand: brand.name,
			model: brand.unitModel,
			manufacturer: brand.manufacturer,
		},
		[SETUP_STATUS_FIELD]: 'PENDING',
	};
	// No state yet: a vehicle reports only once its telematics unit is set up.
	const record = sim.fleet.insert({ vehicle, state: {}, version: 1, sharedWithPartner: false });
	sim.publish(vehicleChanged(vehicle, [changeReasons.vehicleAdded], ctx.flowId));
	const finish = () => finishSetup(sim, record, entry, ctx.flowId);
	sim.setupTimers.schedule(finish, sim.config.setupDelayMs);
	return json(201, vehicle, { ETag: etagOf(record), Location: paths.vehicle(vehicle.id) });
}

function parseAddRequest(input: unknown): AddRequest {
	const body = requireObject(input, 'body');
	rejectUnknownKeys(body, ADD_PROPERTIES);
	const request: AddRequest = {
		brandName: requireString(body.telematics_brand, 'telematics_brand'),
		unitId: requireString(body.telematics_unit_id, 'telematics_unit_id'),
		modelId: requireString(body.vehicle_model_id, 'vehicle_model_id'),
		masterData: body.master_data === undefined ? {} : validateMasterData(body.master_data),
		customFields:
			body.custom_fields === undefined
				? {}
				: withoutNulls(validateCustomFields(body.custom_fields)),
		tags: body.tags === undefined ? [] : validateTags(body.tags),
		// On add the status is a plain value, not `{ value }` as on update.
		operationStatus:
			body.operation_status === undefined
				? 'OPERATING'
				: requireEnumValue(body.operation_status, 'operation_status'),
		body,
	};
	return request;
}

/** Brand, unit and model must exist and fit together; the unit must be free. */
function resolveReferences(
	sim: Simulation,
	request: AddRequest,
): { brand: TelematicsBrand; entry: CatalogModel } {
	const { brandName, unitId, modelId } = request;
	const brand = findBrand(brandName);
	if (!brand) {
		throw referencedNotFound('telematics_brand', `unknown telematics brand '${brandName}'`);
	}
	// Which credentials a unit needs depends on its maker: checked once the brand is known.
	const credentials = unitCredentialsProblem(brand.name, brand.unitCredentials, request.body);
	if (credentials) throw validationError(credentials.field, credentials.detail);
	if (!isRegistryUnit(brand, unitId) && !sim.fleet.isKnownUnit(brand.name, unitId)) {
		throw referencedNotFound('telematics_unit_id', `no unit '${unitId}' of brand ${brand.name}`);
	}
	const entry = findModel(brand, modelId);
	if (!entry) {
		throw referencedNotFound('vehicle_model_id', `no model '${modelId}' of brand ${brand.name}`);
	}
	const holder = sim.fleet.unitHolder(brand.name, unitId);
	if (holder) {
		throw validationError(
			'telematics_unit_id',
			`unit '${unitId}' is already used by vehicle '${holder}'`,
		);
	}
	return { brand, entry };
}

/** The asynchronous end of setup; its event carries the flow id of the add request. */
function finishSetup(
	sim: Simulation,
	record: VehicleRecord,
	entry: CatalogModel,
	flowId: string,
): void {
	// Removed (or the fleet reset) in the meantime: nothing to finish.
	if (sim.fleet.get(record.vehicle.id) !== record) return;
	const vehicle = record.vehicle;
	const failed = unitFailsSetup(vehicle.telematics_unit.id);
	vehicle[SETUP_STATUS_FIELD] = failed ? 'FAILED' : 'SUCCEEDED';
	if (!failed) {
		const isCar = entry.model.vehicle_type === 'CAR';
		const profile = { online: true, inRental: false, isCar };
		record.state = generateState(sim.fleet.random, entry, profile, Date.now());
	}
	vehicle.modified_at = isoTimestamp();
	record.version++;
	sim.publish(vehicleChanged(vehicle, [changeReasons.setupStatus], flowId));
}

export function removeVehicle(ctx: RequestContext, sim: Simulation): Reply {
	const record = sim.fleet.archive(ctx.params.id, isoTimestamp());
	if (!record) throw vehicleNotFound(ctx.params.id);
	sim.publish(vehicleChanged(record.vehicle, [changeReasons.vehicleRemoved], ctx.flowId));
	return { status: 204 };
}

function withoutNulls(
	fields: Record<string, CustomFieldValue | null>,
): Record<string, CustomFieldValue> {
	const result: Record<string, CustomFieldValue> = {};
	for (const [key, value] of Object.entries(fields)) if (value !== null) result[key] = value;
	return result;
}
