/**
 * What INVERS requires and allows, as the simulator reads INVERS's public documentation (condensed
 * in the project's oneapi.md, sections 1 to 5). The nodes have a reading of their own in
 * nodes/shared/contract.ts and the simulator imports nothing from it: names of paths, parameters,
 * fields and headers are in apiNames.ts, validation, limits, brands and commands here, so a node
 * that misreads a rule meets the simulator's 400 instead of a matching mistake.
 *
 * Where INVERS is silent, the simulator's choice is marked as such.
 */

/** [doc] problem types of the OneAPI; 404 for an unknown resource is the simulator's choice. */
export const problemTypes = {
	validationError: '/problems/validation-error',
	invalidJson: '/problems/invalid-json',
	referencedResourceNotFound: '/problems/referenced-resource-not-found',
	missingCredentials: '/problems/missing-credentials',
	invalidCredentials: '/problems/invalid-credentials',
	missingPermissions: '/problems/missing-permissions',
	forbiddenResource: '/problems/forbidden-resource',
	resourceNotFound: '/problems/resource-not-found',
	commandNotSupported: '/problems/vehicle/command-not-supported',
	conflictingState: '/problems/vehicle/conflicting-state',
	sharedWithPartner: '/problems/vehicle/shared-with-partner',
	conflictingSetupStatus: '/problems/vehicle/conflicting-setup-status',
	resourceModified: '/problems/resource-modified',
	tooManyRequests: '/problems/too-many-requests',
	internalServerError: '/problems/internal-server-error',
	telematicsUnitError: '/problems/telematics-unit/error',
} as const;

/** [doc] permissions an API client can be granted. */
export const permissions = {
	read: 'vehicles.ro',
	write: 'vehicles',
	commands: 'vehicle-commands',
} as const;

/** [doc, from examples] the properties of a vehicle's master data; any other is rejected. */
export const MASTER_DATA_PROPERTIES = [
	'vin',
	'license_plate',
	'brand',
	'model',
	'custom_name',
	'fuel_type',
	'year_of_production',
	'transmission',
	'vehicle_type',
] as const;
export type MasterDataProperty = (typeof MASTER_DATA_PROPERTIES)[number];

/** [doc] */
export const LICENSE_PLATE_MAX_LENGTH = 30;

/** [doc] ISO 3779: 17 characters, digits and capital letters except I, O and Q. */
export const VIN_RULE = /^[A-HJ-NPR-Z0-9]{17}$/;

/** [doc] the properties of an add request (one vehicle, a flat object). */
export const ADD_PROPERTIES = [
	'telematics_brand',
	'telematics_unit_id',
	'vehicle_model_id',
	'credentials_id',
	'password',
	'master_data',
	'custom_fields',
	'tags',
	'operation_status',
] as const;

/** The parts of a vehicle an update may change. */
export const PATCHABLE_PROPERTIES = [
	'master_data',
	'custom_fields',
	'tags',
	'operation_status',
	'rental_status',
] as const;

/**
 * [doc] How a telematics unit reaches INVERS when it is added: a CloudBoxx, INVERS's own box,
 * needs no credentials (INVERS links purchased boxes to the fleet itself); a unit of another
 * maker (NIU, Segway, Tesla, ...) carries exactly one of `credentials_id` (OEM credentials stored
 * with INVERS) and `password` (per unit).
 */
export type UnitCredentials = 'none' | 'exactly-one';

/**
 * Checks the credentials of an add request for a unit of this kind; the problem's text, or
 * undefined when they fit. The strict reading: credentials for a CloudBoxx are refused, since
 * INVERS documents none.
 */
export function unitCredentialsProblem(
	brand: string,
	rule: UnitCredentials,
	body: Record<string, unknown>,
): { field: string; detail: string } | undefined {
	const given = (['credentials_id', 'password'] as const).filter(
		(field) => body[field] !== undefined,
	);
	if (rule === 'none') {
		if (given.length === 0) return undefined;
		return {
			field: given.join(', '),
			detail: `a ${brand} unit takes no credentials (INVERS links it to the fleet itself): leave out credentials_id and password`,
		};
	}
	if (given.length !== 1) {
		return {
			field: 'credentials_id, password',
			detail: `a ${brand} unit needs exactly one of the two, got ${given.length === 0 ? 'neither' : 'both'}`,
		};
	}
	const value = body[given[0]];
	if (typeof value !== 'string' || value.trim() === '') {
		return { field: given[0], detail: 'must be a non-empty string' };
	}
	return undefined;
}

/**
 * The largest page of the vehicle list. INVERS does not document one; the simulator answers a
 * larger `limit` with a 400 validation error naming `limit` (`--page-max` sets it).
 */
export const DEFAULT_PAGE_MAX = 100;
/** [choice] the page size when the request names none. */
export const DEFAULT_PAGE_SIZE = 50;

/** [doc] command capabilities; the list is open (INVERS may add commands). */
export const COMMANDS = [
	'REQUEST_VEHICLE_STATE',
	'UNLOCK_CENTRAL_LOCK',
	'LOCK_CENTRAL_LOCK',
	'ENABLE_DRIVING',
	'DISABLE_DRIVING',
	'UNLOCK_AND_ENABLE_DRIVING',
	'LOCK_AND_DISABLE_DRIVING',
	'UNLOCK_TOP_CASE',
	'LOCK_TOP_CASE',
	'DRAW_ATTENTION',
	'UNLOCK_BATTERY_COMPARTMENT',
] as const;
export type Command = (typeof COMMANDS)[number];

const COMMAND_PATH_SEGMENT = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * [doc rule] a command's path segment is its capability in kebab-case (`unlock-central-lock`);
 * anything else (`UNLOCK_CENTRAL_LOCK`, `unlock_central_lock`) is no command path at all.
 */
export function capabilityOfPathSegment(segment: string): string | undefined {
	if (!COMMAND_PATH_SEGMENT.test(segment)) return undefined;
	return segment.toUpperCase().replace(/-/g, '_');
}
