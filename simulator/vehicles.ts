/** Vehicle Management API: list, get, update and the latest vehicle state. */
import { listQuery } from './apiNames';
import { isoTimestamp } from './clock';
import { checkIfMatch, etagOf } from './etag';
import { changeReasons, vehicleChanged } from './events';
import { type Reply, type RequestContext, json, jsonBody } from './http';
import { DEFAULT_PAGE_SIZE, PATCHABLE_PROPERTIES } from './inversRules';
import { decodePageToken, encodePageToken } from './pageToken';
import { validationError, vehicleNotFound } from './problems';
import type { Simulation } from './simulation';
import type { PageTokenField, Vehicle, VehicleRecord } from './types';
import {
	rejectUnknownKeys,
	requireObject,
	validateCustomFields,
	validateMasterData,
	validateStatusObject,
	validateTags,
} from './validation';

export function listVehicles(ctx: RequestContext, sim: Simulation): Reply {
	const raw = ctx.query.get(listQuery.limit);
	if (raw !== null) sim.stats.listLimits[raw] = (sim.stats.listLimits[raw] ?? 0) + 1;
	const limit = parseLimit(raw, sim.config.pageMax);
	const token = ctx.query.get(listQuery.pageToken);
	// An empty token is read as "first page": harmless, and some clients send one.
	const afterSeq = token ? decodePageToken(token) : 0;
	const search = ctx.query.get(listQuery.search)?.trim().toLowerCase();
	const page = sim.fleet.page(
		afterSeq,
		limit,
		search ? (v) => matchesSearch(v, search) : undefined,
	);
	const next = page.nextAfterSeq === undefined ? null : encodePageToken(page.nextAfterSeq);
	return json(200, pageBody(page.items, next, sim.options.pageTokenField));
}

/** INVERS does not document its largest page: the simulator's is `pageMax` (`--page-max`). */
function parseLimit(raw: string | null, pageMax: number): number {
	if (raw === null) return Math.min(DEFAULT_PAGE_SIZE, pageMax);
	const limit = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
	if (!(limit >= 1 && limit <= pageMax)) {
		throw validationError(listQuery.limit, `must be an integer from 1 to ${pageMax}, got '${raw}'`);
	}
	return limit;
}

/** Case-insensitive substring over license plate, custom name and VIN. */
function matchesSearch(vehicle: Vehicle, search: string): boolean {
	const { license_plate, custom_name, vin } = vehicle.master_data;
	return [license_plate, custom_name, vin].some((text) => text?.toLowerCase().includes(search));
}

/** The page wrapper; where the next token goes is configurable to test tolerant readers. */
function pageBody(
	items: Vehicle[],
	next: string | null,
	field: PageTokenField,
): Record<string, unknown> {
	if (field === 'cursors.next') return { items, cursors: { next } };
	return { items, [field]: next };
}

/** A PATCH leaves absent parts alone: validate only what is there. */
function optional<T>(value: unknown, validate: (value: unknown) => T): T | undefined {
	return value === undefined ? undefined : validate(value);
}

export function requireVehicle(sim: Simulation, vehicleId: string): VehicleRecord {
	const record = sim.fleet.get(vehicleId);
	if (!record) throw vehicleNotFound(vehicleId);
	return record;
}

export function getVehicle(ctx: RequestContext, sim: Simulation): Reply {
	const record = requireVehicle(sim, ctx.params.id);
	return json(200, record.vehicle, { ETag: etagOf(record) });
}

export function getLatestVehicleState(ctx: RequestContext, sim: Simulation): Reply {
	return json(200, requireVehicle(sim, ctx.params.id).state);
}

export function updateVehicle(ctx: RequestContext, sim: Simulation): Reply {
	const record = requireVehicle(sim, ctx.params.id);
	const body = requireObject(jsonBody(ctx), 'body');
	rejectUnknownKeys(body, PATCHABLE_PROPERTIES);
	const patch = {
		masterData: optional(body.master_data, validateMasterData),
		customFields: optional(body.custom_fields, validateCustomFields),
		tags: optional(body.tags, validateTags),
		operationStatus: optional(body.operation_status, (value) =>
			validateStatusObject(value, 'operation_status'),
		),
		rentalStatus: optional(body.rental_status, (value) =>
			validateStatusObject(value, 'rental_status'),
		),
	};
	const ifMatch = ctx.headers['if-match'];
	checkIfMatch(Array.isArray(ifMatch) ? ifMatch.join(',') : ifMatch, record);

	const now = isoTimestamp();
	const vehicle = record.vehicle;
	const reasons: string[] = [];
	if (patch.masterData) {
		const before = JSON.stringify(vehicle.master_data);
		Object.assign(vehicle.master_data, patch.masterData);
		if (JSON.stringify(vehicle.master_data) !== before) reasons.push(changeReasons.masterData);
	}
	if (patch.customFields) {
		const before = JSON.stringify(vehicle.custom_fields);
		for (const [key, value] of Object.entries(patch.customFields)) {
			if (value === null) delete vehicle.custom_fields[key];
			else vehicle.custom_fields[key] = value;
		}
		if (JSON.stringify(vehicle.custom_fields) !== before) reasons.push(changeReasons.customFields);
	}
	if (patch.tags && JSON.stringify(patch.tags) !== JSON.stringify(vehicle.tags)) {
		vehicle.tags = patch.tags;
		reasons.push(changeReasons.tags);
	}
	if (patch.operationStatus && patch.operationStatus !== vehicle.operation_status.value) {
		vehicle.operation_status = { value: patch.operationStatus, modified_at: now };
		reasons.push(changeReasons.operationStatus);
	}
	if (patch.rentalStatus && patch.rentalStatus !== vehicle.rental_status.value) {
		vehicle.rental_status = { value: patch.rentalStatus, modified_at: now };
		// The vehicle reports its rental status too; keep both views consistent.
		if (record.state.rental_status) {
			record.state.rental_status = { timestamp: now, value: patch.rentalStatus };
		}
		reasons.push(changeReasons.rentalStatus);
	}
	// An update that changes nothing keeps the version: the ETag stays valid, no event is sent.
	if (reasons.length > 0) {
		vehicle.modified_at = now;
		record.version++;
		sim.publish(vehicleChanged(vehicle, reasons, ctx.flowId));
	}
	return json(200, vehicle, { ETag: etagOf(record) });
}
