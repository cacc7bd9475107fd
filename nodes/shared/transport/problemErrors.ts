import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { permissions, problemTypes } from '../contract';
import { standAloneMessage } from './errorMessages';
import type { HttpFailure } from './httpFailure';
import { failedBeforeSending } from './httpFailure';
import { isRedirectStatus, redirectTarget } from './redirect';

/** The problem JSON INVERS answers errors with [doc]; every field optional: read tolerantly. */
export interface Problem {
	type?: string;
	title?: string;
	status?: number;
	detail?: string;
	flow_id?: string;
}

export interface FailedRequest {
	method: string;
	path: string;
	/** A command or other physical action: a failure after sending may still have acted. */
	isCommand?: boolean;
	/** What was asked for, named in messages: "vehicle JQ7RP". */
	subject?: string;
	/** A command's capability name, named in messages: "LOCK_CENTRAL_LOCK". */
	command?: string;
	itemIndex?: number;
}

/** Longest text of a problem shown (detail, title, type); a longer one (a stack trace, a page) is cut. */
export const MAX_DETAIL_LENGTH = 1000;

export function capText<T extends string | undefined>(text: T): T {
	if (text === undefined || text.length <= MAX_DETAIL_LENGTH) return text;
	return `${text.slice(0, MAX_DETAIL_LENGTH)}… [cut: ${text.length - MAX_DETAIL_LENGTH} more characters]` as T;
}

/** An error body as a JSON object, whether it came parsed, as text or as bytes. */
export function parseJsonObject(body: unknown): Record<string, unknown> | undefined {
	let value = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return undefined;
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	return value as Record<string, unknown>;
}

function parseProblem(body: unknown): Problem | undefined {
	const problem = parseJsonObject(body);
	if (!problem) return undefined;
	const text = (key: string) =>
		typeof problem[key] === 'string' ? (problem[key] as string) : undefined;
	return {
		type: capText(text('type')),
		title: capText(text('title')),
		status: typeof problem.status === 'number' ? problem.status : undefined,
		detail: capText(text('detail') ?? text('message')),
		flow_id: capText(text('flow_id')),
	};
}

function looksLikeHtml(body: unknown): boolean {
	const text = Buffer.isBuffer(body) ? body.toString('utf8', 0, 200) : body;
	return typeof text === 'string' && /^\s*<(!doctype|html|head|body)/i.test(text);
}

function requiredPermission(request: FailedRequest): string {
	if (request.isCommand) return permissions.commands;
	return request.method === 'GET'
		? `${permissions.read}" or "${permissions.write}`
		: permissions.write;
}

/** What the operator should do about each problem type. */
function hintFor(type: string | undefined, request: FailedRequest): string | undefined {
	switch (type) {
		case problemTypes.validationError:
			return 'INVERS rejected a field of the request: correct the field named in the detail.';
		case problemTypes.invalidJson:
			return 'The request body was not valid JSON. Please report this as a bug of the node.';
		case problemTypes.referencedResourceNotFound:
			return 'Something the request refers to does not exist (telematics unit, vehicle model or OEM credentials): check those IDs.';
		case problemTypes.missingCredentials:
		case problemTypes.invalidCredentials:
			return 'The access token was refused even after a new one was fetched: check the Client ID and Client Secret of the credential.';
		case problemTypes.missingPermissions:
			return `The API client probably lacks the "${requiredPermission(request)}" permission: grant it in FleetControl (API clients).`;
		case problemTypes.forbiddenResource:
			return "The API client may not access this resource: it may belong to another fleet or lie outside the client's scope.";
		case problemTypes.resourceNotFound:
			return 'No vehicle with this ID exists in the fleet. Removed vehicles stay archived for 90 days and are not found here.';
		case problemTypes.commandNotSupported:
			return 'The vehicle lacks this command capability. Look at its capabilities (Vehicle Management → Get Capabilities), or turn on "Check Capability First".';
		case problemTypes.conflictingState:
			return "The vehicle's current state forbids this command now (for example locking while the ignition is on). Try again once the state has changed.";
		case problemTypes.sharedWithPartner:
			return 'The vehicle is lent to a partner fleet right now; it takes commands again when it is returned.';
		case problemTypes.conflictingSetupStatus:
			return "The vehicle's setup has not finished (or failed). Setup runs asynchronously after adding a vehicle: wait until its setup status is SUCCEEDED.";
		case problemTypes.resourceModified:
			return 'The vehicle changed since its ETag was read (If-Match did not match). Get the vehicle again and repeat the update with the new ETag.';
		case problemTypes.telematicsUnitError:
			return request.isCommand
				? 'The telematics unit failed or did not answer (vehicle offline or without coverage?). The command may not have been carried out: check the latest vehicle state before sending it again.'
				: 'The telematics unit failed or did not answer: the vehicle may be offline or without coverage.';
		case problemTypes.internalServerError:
			return request.isCommand
				? 'INVERS had an internal error; the command may or may not have been carried out. Check the latest vehicle state before sending it again; if the error persists, give INVERS support the flow ID.'
				: 'INVERS had an internal error. Try again later; if it persists, give INVERS support the flow ID.';
		default:
			return undefined;
	}
}

const DEFAULT_TITLES: Record<number, string> = {
	400: 'Bad request',
	401: 'Not authenticated',
	403: 'Permission missing',
	404: 'Not found',
	409: 'Conflict',
	412: 'Resource modified',
	429: 'Too many requests',
	500: 'INVERS internal server error',
	502: 'Bad gateway',
	503: 'Service unavailable',
	504: 'Gateway timeout',
};

function joinDescription(parts: Array<string | undefined>): string {
	return parts.filter((part) => part !== undefined && part !== '').join(' ');
}

/**
 * A NodeApiError from a failed OneAPI call. Its message stands alone (errorMessages.ts: what
 * happened, whether it may have taken effect, what to do); its description holds the details for
 * people: INVERS's title and detail, a hint, the problem type and the flow ID.
 */
export function problemToNodeApiError(
	node: INode,
	failure: HttpFailure,
	request: FailedRequest,
	flowId: string | undefined,
): NodeApiError {
	const status = failure.status;
	const problem = parseProblem(failure.body);
	const flow = problem?.flow_id ?? flowId;
	const flowText = flow ? `Flow ID: ${flow}` : undefined;

	let message: string;
	let description: string;
	if (status === undefined) {
		// The network code goes into the description only: n8n rewrites messages that contain one.
		const code = failure.code ?? 'network error';
		const timedOut = ['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT'].includes(code);
		message = standAloneMessage(request, {
			kind: 'noAnswer',
			sent: !failedBeforeSending(failure),
			timedOut,
		});
		if (request.isCommand) {
			description = `${code} while waiting for the answer to ${request.method} ${request.path}. Commands are never resent automatically: check the latest vehicle state before sending it again.`;
		} else {
			description = `${code} on ${request.method} ${request.path}. ${timedOut ? 'Raise the Timeout option if the API is slow right now; ' : 'Check the Base URL of the credential and the network; '}the request was retried where that was safe.`;
		}
	} else if (isRedirectStatus(status)) {
		const target = redirectTarget(failure.headers.location);
		message = standAloneMessage(request, { kind: 'redirect', status });
		description = joinDescription([
			`${request.method} ${request.path} was redirected${target ? ` to ${target}` : ''}.`,
			'Requests, and the access token with them, are not sent on to another address: set the Base URL of the credential to the address of the API.',
			request.isCommand
				? 'The command may or may not have been carried out: check the latest vehicle state before sending it again.'
				: undefined,
			flowText,
		]);
	} else if (!problem && looksLikeHtml(failure.body)) {
		message = standAloneMessage(request, { kind: 'gatewayPage', status });
		description = joinDescription([
			`The INVERS API gateway answered HTTP ${status} (${DEFAULT_TITLES[status] ?? 'error'}) with a web page instead of JSON.`,
			'The OneAPI is probably unavailable or under maintenance. Try again later.',
			request.isCommand ? 'The command may or may not have been carried out.' : undefined,
			flowText,
		]);
	} else {
		const title = problem?.title ?? DEFAULT_TITLES[status] ?? `HTTP ${status}`;
		message = standAloneMessage(request, { kind: 'status', status, problem });
		description = joinDescription([
			`${title} (HTTP ${status}).`,
			problem?.detail,
			hintFor(problem?.type, request),
			problem?.type ? `(Problem type: ${problem.type}.)` : undefined,
			flowText,
		]);
	}

	// Only these plain facts become the error's data: never the request (it carries the token).
	const errorData: JsonObject = {
		status: status ?? null,
		type: problem?.type ?? null,
		title: problem?.title ?? null,
		detail: problem?.detail ?? null,
		flow_id: flow ?? null,
		request: `${request.method} ${request.path}`,
	};
	return new NodeApiError(node, errorData, {
		message,
		description,
		httpCode: status === undefined ? undefined : String(status),
		itemIndex: request.itemIndex,
	});
}
