/**
 * Problem JSON errors as the OneAPI sends them. Handlers throw an `HttpProblem`; the server turns
 * it into `{ type, type_documentation, title, status, detail, flow_id }`.
 */
import { problemTypes } from './inversRules';

export type ProblemType = (typeof problemTypes)[keyof typeof problemTypes];

const DOCUMENTATION_BASE = 'https://developers.invers.com';

const TITLES: Record<string, string> = {
	[problemTypes.validationError]: 'Validation error',
	[problemTypes.invalidJson]: 'Invalid JSON',
	[problemTypes.referencedResourceNotFound]: 'Referenced resource not found',
	[problemTypes.missingCredentials]: 'Missing credentials',
	[problemTypes.invalidCredentials]: 'Invalid credentials',
	[problemTypes.missingPermissions]: 'Missing permissions',
	[problemTypes.forbiddenResource]: 'Forbidden resource',
	[problemTypes.resourceNotFound]: 'Resource not found',
	[problemTypes.commandNotSupported]: 'Command not supported',
	[problemTypes.conflictingState]: 'Conflicting vehicle state',
	[problemTypes.sharedWithPartner]: 'Vehicle shared with partner',
	[problemTypes.conflictingSetupStatus]: 'Conflicting setup status',
	[problemTypes.resourceModified]: 'Resource modified',
	[problemTypes.tooManyRequests]: 'Too many requests',
	[problemTypes.internalServerError]: 'Internal server error',
	[problemTypes.telematicsUnitError]: 'Telematics unit error',
};

export class HttpProblem extends Error {
	constructor(
		readonly status: number,
		/** A contract type; injected faults may use any other (tolerant readers must cope). */
		readonly type: ProblemType | (string & {}),
		readonly detail: string,
		readonly headers: Record<string, string> = {},
	) {
		super(detail);
	}
}

export interface ProblemBody {
	type: string;
	type_documentation: string;
	title: string;
	status: number;
	detail: string;
	flow_id: string;
}

export function problemBody(problem: HttpProblem, flowId: string): ProblemBody {
	return {
		type: problem.type,
		type_documentation: DOCUMENTATION_BASE + problem.type,
		title: TITLES[problem.type] ?? 'Error',
		status: problem.status,
		detail: problem.detail,
		flow_id: flowId,
	};
}

/** The problem type that best fits an arbitrary status, for injected `status` faults. */
export function problemTypeForStatus(status: number): ProblemType {
	switch (status) {
		case 400:
			return problemTypes.validationError;
		case 401:
			return problemTypes.invalidCredentials;
		case 403:
			return problemTypes.forbiddenResource;
		case 404:
			return problemTypes.resourceNotFound;
		case 409:
			return problemTypes.conflictingState;
		case 412:
			return problemTypes.resourceModified;
		case 429:
			return problemTypes.tooManyRequests;
		default:
			return problemTypes.internalServerError;
	}
}

export const validationError = (field: string, detail: string) =>
	new HttpProblem(400, problemTypes.validationError, `${field}: ${detail}`);

export const notFound = (detail: string) =>
	new HttpProblem(404, problemTypes.resourceNotFound, detail);

export const vehicleNotFound = (vehicleId: string) =>
	notFound(`Vehicle '${vehicleId}' does not exist.`);
