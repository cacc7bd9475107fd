/**
 * The names the simulator's API answers to: paths, query parameters, headers and fields, as the
 * simulator reads INVERS's public documentation (the project's oneapi.md). The nodes keep their
 * own reading in nodes/shared/contract.ts and the simulator imports nothing from the nodes: where
 * the two readings differ, a node's request meets the simulator's 404 or 400 in the tests instead
 * of a shared mistake. Names INVERS does not document are the simulator's choice, marked so.
 */

/** [doc] the production host; the simulator serves the same paths on its own address. */
export const BASE_URL = 'https://api.invers.com';

/** [doc] client-credentials token request. */
export const TOKEN_PATH = '/auth/oauth/token?grant_type=client_credentials';

/** [doc] on every response; events a request caused carry the same id. */
export const FLOW_ID_HEADER = 'x-invers-flow-id';

/** [doc] rate-limit headers; the reset is in UTC epoch seconds. */
export const rateLimitHeaders = {
	limit: 'x-rate-limit-limit',
	remaining: 'x-rate-limit-remaining',
	reset: 'x-rate-limit-reset',
	retryAfter: 'retry-after',
} as const;

/** [doc: cursor paging with `limit`] the page token's and the search's names are a choice. */
export const listQuery = { limit: 'limit', pageToken: 'page_token', search: 'q' } as const;

/** [choice] the field that carries an added vehicle's setup progress. */
export const SETUP_STATUS_FIELD = 'setup_status';

/**
 * Request paths ([doc] for the list, commands and models; the single vehicle's and the latest
 * state's paths are a choice).
 */
export const paths = {
	vehicles: '/vehicles',
	vehicle: (id: string) => `/vehicles/${id}`,
	latestVehicleState: (id: string) => `/vehicles/${id}/latest-vehicle-state`,
	vehicleCommand: (id: string, command: string) => `/vehicles/${id}/commands/${command}`,
	availableVehicleModels: (brand: string) => `/telematics-brands/${brand}/available-vehicle-models`,
} as const;

/** The same paths with `:name` placeholders, for the route table. */
export const pathTemplates = {
	vehicles: paths.vehicles,
	vehicle: paths.vehicle(':id'),
	latestVehicleState: paths.latestVehicleState(':id'),
	vehicleCommand: paths.vehicleCommand(':id', ':command'),
	availableVehicleModels: paths.availableVehicleModels(':brand'),
} as const;

/** [doc] the next page's token; null on the last page. */
export function nextPageToken(body: { next_page_token?: string | null }): string | undefined {
	return body.next_page_token || undefined;
}

/** Events API [doc]: event type names, the AMQP header with the schema's major version. */
export const eventNames = {
	vehicleChanged: 'VehicleChanged',
	vehicleStateRecorded: 'VehicleStateRecorded',
	schemaMajorVersionHeader: 'schema_major_version',
	/** [choice] where VehicleStateRecorded carries the vehicle's id and its state. */
	stateRecordedVehicleIdField: 'vehicle_id',
	stateRecordedStateField: 'vehicle_state',
} as const;
