import { KNOWN_COMMANDS, permissions, problemTypes } from '../contract';
import type { FailedRequest, Problem } from './problemErrors';

/**
 * The message of an error of a OneAPI request: one sentence that is enough to act on by itself,
 * saying what happened, to which vehicle, whether it may have taken effect and what to do next.
 *
 * Whoever reads only the message must be able to act: an AI agent using a node as a tool is
 * handed the error's message and nothing else (not its description), and the message is also
 * what n8n shows first and what an error workflow sees. Details for people (INVERS's full
 * detail, the problem type, the flow ID for support) stay in the description.
 *
 * Form: `<what> <outcome> (INVERS answered <status>[: <reason>]): <what to do>.`, e.g.
 * "Command LOCK_CENTRAL_LOCK to vehicle JQ7RP may or may not have been carried out (INVERS
 * answered 500): check the vehicle's latest state before sending it again."
 */

/** How the request ended. */
export type Ending =
	/** INVERS answered with an error status (a problem, or a bare status). */
	| { kind: 'status'; status: number; problem?: Problem }
	/** INVERS (or something before it) answered with a redirect. */
	| { kind: 'redirect'; status: number }
	/** A gateway in front of INVERS answered an error status with a web page. */
	| { kind: 'gatewayPage'; status: number }
	/** No answer: `sent` false when the request certainly never left (refused connection, DNS). */
	| { kind: 'noAnswer'; sent: boolean; timedOut: boolean }
	/** A success status whose body is not what the operation reads. */
	| { kind: 'unexpectedBody'; status: number; contentType: string; what: string };

/** The longest INVERS detail quoted in a message (the description has it whole). */
const MAX_REASON_LENGTH = 300;

type Kind = 'command' | 'read' | 'write';

function kindOf(request: FailedRequest): Kind {
	if (request.isCommand) return 'command';
	return request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
}

/** "vehicle JQ7RP" → "Vehicle JQ7RP". */
function capitalized(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The request as the subject of the sentence. */
function what(request: FailedRequest): string {
	const subject = request.subject;
	if (request.isCommand) {
		const command = request.command ? `Command ${request.command}` : 'The command';
		return subject ? `${command} to ${subject}` : command;
	}
	switch (request.method) {
		case 'GET':
		case 'HEAD':
			return subject ? `Reading ${subject}` : `Reading ${request.path}`;
		case 'PATCH':
		case 'PUT':
			return subject ? `Updating ${subject}` : `${request.method} ${request.path}`;
		case 'DELETE':
			return subject ? `Removing ${subject}` : `DELETE ${request.path}`;
		default:
			return subject ? `Adding ${subject}` : `${request.method} ${request.path}`;
	}
}

/** What became of the request, after its subject. */
function outcome(kind: Kind, effect: 'refused' | 'uncertain' | 'notSent'): string {
	if (kind === 'read') return 'failed';
	if (effect === 'uncertain') {
		return kind === 'command'
			? 'may or may not have been carried out'
			: 'may or may not have taken effect';
	}
	if (effect === 'notSent')
		return kind === 'command' ? 'was not sent' : 'was not sent; nothing changed';
	return kind === 'command' ? 'was refused and not carried out' : 'was refused; nothing changed';
}

/** What to do about a request that may or may not have taken effect. */
function whenUncertain(request: FailedRequest): string {
	if (request.isCommand) return "check the vehicle's latest state before sending it again";
	switch (request.method) {
		case 'DELETE':
			return 'check whether the vehicle is still in the fleet before removing it again';
		case 'PATCH':
		case 'PUT':
			return 'get the vehicle again and check it before repeating the update';
		default:
			return 'look the vehicle up (Get Many, search by plate or VIN) before adding it again';
	}
}

function quoted(detail: string | undefined): string | undefined {
	const text = detail?.trim().replace(/\s+/g, ' ').replace(/\.$/, '');
	if (!text) return undefined;
	return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
}

function requiredPermission(request: FailedRequest): string {
	if (request.isCommand) return `"${permissions.commands}"`;
	return request.method === 'GET'
		? `"${permissions.read}" or "${permissions.write}"`
		: `"${permissions.write}"`;
}

/** The reason and the next step for a problem type INVERS documents. */
function forProblem(
	type: string | undefined,
	detail: string | undefined,
	request: FailedRequest,
): { reason?: string; next?: string } {
	switch (type) {
		case problemTypes.conflictingState:
			return {
				// INVERS's detail is the reason (moving, ignition on): the model needs it to wait right.
				reason: detail ?? "the vehicle's current state forbids it",
				next: "send it again only once the vehicle's state allows it",
			};
		case problemTypes.commandNotSupported:
			return {
				reason: 'the vehicle does not support this command',
				next: 'use a command the vehicle supports (Vehicle Management → Get Capabilities lists them)',
			};
		case problemTypes.sharedWithPartner:
			return {
				reason: 'the vehicle is lent to a partner fleet right now',
				next: 'send it again once the vehicle is back in this fleet',
			};
		case problemTypes.conflictingSetupStatus:
			return {
				reason: "the vehicle's setup has not finished or failed",
				next: "wait until the vehicle's setup status is SUCCEEDED, then send it again",
			};
		case problemTypes.missingPermissions:
			return {
				reason: `the API client lacks the ${requiredPermission(request)} permission`,
				next: 'grant it to the API client in FleetControl (API clients)',
			};
		case problemTypes.forbiddenResource:
			return {
				reason: 'the API client may not access it',
				next: "check the vehicle ID and the API client's fleet and scope",
			};
		case problemTypes.validationError:
			return { reason: detail ?? 'a field was rejected', next: 'correct the field INVERS names' };
		case problemTypes.invalidJson:
			return {
				reason: 'the request body was not valid JSON',
				next: 'report this as a bug of the node',
			};
		case problemTypes.referencedResourceNotFound:
			return {
				reason: detail ?? 'something it refers to does not exist',
				next: 'check the telematics unit ID, the vehicle model ID and the OEM credentials ID',
			};
		case problemTypes.missingCredentials:
		case problemTypes.invalidCredentials:
			return {
				reason: 'the access token was refused even after a new one was fetched',
				next: "check the credential's Client ID and Client Secret",
			};
		case problemTypes.resourceModified:
			return {
				reason: 'the vehicle changed since its ETag was read',
				next: 'get the vehicle again and repeat the update with its new ETag',
			};
		case problemTypes.telematicsUnitError:
			return {
				reason:
					"the vehicle's telematics unit failed or did not answer, perhaps offline or without coverage",
			};
		case problemTypes.internalServerError:
			return { reason: 'internal server error' };
		default:
			return {};
	}
}

/** What to do after a read that failed on the server's side or on the way. */
const READ_AGAIN_LATER =
	'try again later; if it persists, give INVERS support the flow ID from the error details';

function sentence(text: string): string {
	return text.endsWith('.') ? text : `${text}.`;
}

function notFoundMessage(
	request: FailedRequest,
	status: number,
	detail: string | undefined,
): string | undefined {
	const vehicle = request.subject?.startsWith('vehicle ') ? request.subject : undefined;
	if (!vehicle) return undefined;
	const checkId =
		'check the vehicle ID (a short code such as JQ7RP; a licence plate, VIN or name is not an ID)';
	const command = request.command;
	if (request.isCommand && !(command && (KNOWN_COMMANDS as readonly string[]).includes(command))) {
		// An unknown command's path may be what INVERS did not find: quote INVERS and name both.
		const said = quoted(detail);
		return sentence(
			`${what(request)} was refused and not carried out (INVERS answered ${status}${said ? `: ${said}` : ''}): ${checkId} and the command name`,
		);
	}
	const consequence = request.isCommand
		? `, so command ${command} was not carried out`
		: kindOf(request) === 'write'
			? ', so nothing changed'
			: '';
	return sentence(
		`${capitalized(vehicle)} was not found in this fleet${consequence} (INVERS answered ${status}): ${checkId}; a removed vehicle stays archived for 90 days and is not found`,
	);
}

export function standAloneMessage(request: FailedRequest, ending: Ending): string {
	const kind = kindOf(request);
	switch (ending.kind) {
		case 'noAnswer': {
			const late = ending.timedOut ? ' in time' : '';
			if (!ending.sent) {
				return sentence(
					`${what(request)} ${outcome(kind, 'notSent')} (the INVERS OneAPI could not be reached): check the credential's Base URL and the network, then try again`,
				);
			}
			if (kind === 'read') {
				return sentence(
					`${what(request)} failed (the INVERS OneAPI did not answer${late}): raise the Timeout option or ${READ_AGAIN_LATER}`,
				);
			}
			return sentence(
				`${what(request)} ${outcome(kind, 'uncertain')} (it was sent, but no answer came back${late}): ${whenUncertain(request)}`,
			);
		}
		case 'redirect': {
			const effect = kind === 'read' ? 'failed' : outcome(kind, 'uncertain');
			return sentence(
				`${what(request)} ${effect} (the address answered with a redirect, HTTP ${ending.status}): set the credential's Base URL to the address of the API${kind === 'read' ? '' : `, and ${whenUncertain(request)}`}`,
			);
		}
		case 'gatewayPage': {
			if (kind === 'read') {
				return sentence(
					`${what(request)} failed (the INVERS API gateway answered ${ending.status} with a web page; the OneAPI is probably unavailable): ${READ_AGAIN_LATER}`,
				);
			}
			return sentence(
				`${what(request)} ${outcome(kind, 'uncertain')} (the INVERS API gateway answered ${ending.status} with a web page): ${whenUncertain(request)}`,
			);
		}
		case 'unexpectedBody': {
			const answered = `INVERS answered HTTP ${ending.status} (${ending.contentType}) with ${ending.what}`;
			if (kind === 'read') {
				return sentence(
					`${what(request)} failed (${answered}): check that the credential's Base URL points to the API, not to a web site or proxy login`,
				);
			}
			return sentence(
				`${what(request)} was accepted and has probably taken effect, but its answer is unreadable (${answered}): ${whenUncertain(request)}`,
			);
		}
		case 'status': {
			const { status, problem } = ending;
			const detail = quoted(problem?.detail);
			const notFound =
				problem?.type === problemTypes.resourceNotFound ||
				(status === 404 && problem?.type !== problemTypes.referencedResourceNotFound);
			if (notFound) {
				const message = notFoundMessage(request, status, problem?.detail);
				if (message) return message;
			}
			const known = forProblem(problem?.type, detail, request);
			const serverSide = status >= 500;
			// An undocumented 4xx says why in its detail (or at least its title); a 5xx has no reason
			// worth quoting beyond its status.
			const reason = known.reason ?? (serverSide ? undefined : (detail ?? problem?.title));
			const cause = `INVERS answered ${status}${reason ? `: ${reason}` : ''}`;
			if (serverSide) {
				if (kind === 'read')
					return sentence(`${what(request)} failed (${cause}): ${READ_AGAIN_LATER}`);
				return sentence(
					`${what(request)} ${outcome(kind, 'uncertain')} (${cause}): ${whenUncertain(request)}`,
				);
			}
			const next =
				known.next ??
				(kind === 'read'
					? 'check the parameters named in the error details'
					: 'correct what INVERS names, then send it again');
			return sentence(`${what(request)} ${outcome(kind, 'refused')} (${cause}): ${next}`);
		}
	}
}
