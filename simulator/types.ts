/** Shapes shared by the simulator's modules. Wire names follow apiNames.ts. */
import { SETUP_STATUS_FIELD } from './apiNames';
import type { MasterDataProperty } from './inversRules';

export type SetupStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

export interface StatusValue {
	value: string;
	modified_at: string;
}

export interface TelematicsUnit {
	id: string;
	brand: string;
	model: string;
	manufacturer: string;
}

export type CustomFieldValue = string | number | boolean;

/** The vehicle object exactly as the API serialises it. */
export interface Vehicle {
	id: string;
	fleet_id: string;
	created_at: string;
	modified_at: string;
	master_data: Partial<Record<MasterDataProperty, string>>;
	custom_fields: Record<string, CustomFieldValue>;
	tags: string[];
	life_status: StatusValue;
	operation_status: StatusValue;
	rental_status: StatusValue;
	capabilities: { commands: string[]; vehicle_state: string[] };
	telematics_unit: TelematicsUnit;
	[SETUP_STATUS_FIELD]: SetupStatus;
	/** Only on archived vehicles (visible in the VEHICLE_REMOVED event). */
	archived_at?: string;
}

export interface StateProperty {
	timestamp: string;
	value: unknown;
}

/** Latest vehicle state: a flat object of `{ timestamp, value }` per reported property. */
export type VehicleState = Record<string, StateProperty>;

/** Everything the simulator keeps about one vehicle; only `vehicle` and `state` go on the wire. */
export interface VehicleRecord {
	vehicle: Vehicle;
	state: VehicleState;
	/** Bumped on every change of the vehicle resource; the ETag is derived from it. */
	version: number;
	/** Monotonic insertion number: the stable list order and what page tokens point at. */
	seq: number;
	/** Internal flag: a vehicle lent to a partner fleet refuses commands. Never serialised. */
	sharedWithPartner: boolean;
}

export interface ClientDefinition {
	clientId: string;
	clientSecret: string;
	permissions: string[];
}

export interface RateLimitConfig {
	limit: number;
	windowMs: number;
}

export type PageTokenField = 'next_page_token' | 'next_cursor' | 'cursors.next';

/** Settings that can change while the simulator runs (`sim.config`). */
export interface SimulatorConfig {
	commandLatencyMs: number;
	setupDelayMs: number;
	rateLimit: RateLimitConfig | undefined;
	tokenTtlSeconds: number;
	/** The largest `limit` of the vehicle list; a larger one is a 400 naming `limit`. */
	pageMax: number;
}

export interface SimulatorOptions extends SimulatorConfig {
	port: number;
	host: string;
	fleetSize: number;
	seed: number;
	clients: ClientDefinition[];
	pageTokenField: PageTokenField;
}

export type FaultKind = 'status' | 'html' | 'slow' | 'drop' | 'rate-limit' | 'redirect' | 'body';

export interface FaultRule {
	method?: string;
	/** RegExp source matched against the request's pathname. */
	path?: string;
	/** How many matching requests the rule hits before it is used up (default 1). */
	times?: number;
	/** How many matching requests pass untouched before the rule starts hitting (default 0). */
	skip?: number;
	kind: FaultKind;
	status?: number;
	/** For 'status': the problem type to answer (any string; default: one fitting the status). */
	problemType?: string;
	/** For 'status': the problem's detail text. */
	detail?: string;
	delayMs?: number;
	/** For 'rate-limit': the `Retry-After` seconds (0 allowed: a broken or skewed API). */
	retryAfterSeconds?: number;
	/** For 'body': the raw body answered with `status` (default 200); may be empty. */
	body?: string;
	/** For 'body': its Content-Type (none when left out). */
	contentType?: string;
	/** For 'redirect': where to (default the same path on https://api.invers.com). */
	location?: string;
	/** Handle the request for real first, then answer the fault (proves non-retry of commands). */
	executeBeforeFault?: boolean;
}

export interface ReceivedCommand {
	vehicleId: string;
	command: string;
	at: string;
}

export interface SimulatorStats {
	tokenRequests: number;
	/** Per route, e.g. `GET /vehicles/:id`; counted on arrival, before faults and auth. */
	requests: Record<string, number>;
	/** Commands that were executed on a vehicle (not merely attempted). */
	commandsReceived: ReceivedCommand[];
	/** 429 answers, from the rate limiter and from injected faults. */
	rateLimited: number;
	/** How often each `limit` was asked for on the vehicle list, refused ones included. */
	listLimits: Record<string, number>;
}

export interface EventEnvelope<TData = Record<string, unknown>> {
	metadata: {
		id: string;
		type: string;
		schema_major_version: number;
		occurred_at: string;
		flow_id: string;
	};
	data: TData;
}
