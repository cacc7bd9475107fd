import { TOKEN_PATH } from '../contract';
import { readHttpFailure } from './httpFailure';
import { capText, parseJsonObject } from './problemErrors';
import { isRedirectStatus, redirectTarget } from './redirect';
import { scrubText } from './secretScrub';

/**
 * A token request that failed. n8n wraps it (as `cause`) in its own error; the transport finds it
 * there by this class and reports it as a credential problem instead of a failed API call.
 */
export class TokenRequestError extends Error {
	readonly name = 'TokenRequestError';
}

export function findTokenRequestError(error: unknown): TokenRequestError | undefined {
	let current: unknown = error;
	for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
		if (current instanceof TokenRequestError) return current;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** A credential setting that keeps the token request from being sent (its message names it). */
export function describeSettingFailure(error: unknown): TokenRequestError {
	return new TokenRequestError(error instanceof Error ? error.message : String(error));
}

/** What the retries of a token request tried, said after the reason it failed. */
const notes = new WeakMap<object, string>();

export function noteOnTokenFailure<E>(error: E, note: string | undefined): E {
	if (note !== undefined && error && typeof error === 'object') notes.set(error, note);
	return error;
}

/** Keys of an error answer that explain it (problem JSON, OAuth's error response). */
const EXPLAINING_KEYS = ['detail', 'error_description', 'title', 'message', 'error'];

/** The token endpoint's own explanation, if its answer is JSON that gives one. */
function explanationOf(body: unknown): string | undefined {
	const answer = parseJsonObject(body);
	if (!answer) return undefined;
	for (const key of EXPLAINING_KEYS) {
		const value = answer[key];
		if (typeof value === 'string' && value.trim() !== '') return capText(value.trim());
	}
	return undefined;
}

/**
 * Turns a failed token request into an error a person can act on. The original error is not
 * passed on: the request library's error carries the request configuration, Basic auth included.
 * Text from the answer is shown with `secrets` taken out: an endpoint may repeat the request.
 */
export function describeTokenFailure(
	error: unknown,
	baseUrl: string,
	secrets: readonly string[] = [],
): TokenRequestError {
	const failure = error as {
		code?: string;
		response?: { status?: number };
		httpCode?: string;
		cause?: { code?: string; response?: { status?: number } };
	};
	const status = Number(
		failure?.response?.status ?? failure?.cause?.response?.status ?? failure?.httpCode,
	);
	const code = failure?.code ?? failure?.cause?.code;
	const answer = readHttpFailure(error);
	const said = status ? explanationOf(answer.body) : undefined;
	const saidText = said ? ` INVERS said: "${said}".` : '';
	const note = error && typeof error === 'object' ? notes.get(error) : undefined;
	const noteText = note ? ` ${note}` : '';
	const described = (message: string) =>
		new TokenRequestError(scrubText(`${message}${saidText}${noteText}`, secrets));
	if (isRedirectStatus(status)) {
		const target = redirectTarget(answer.headers.location, `${baseUrl}${TOKEN_PATH}`);
		return described(
			`The token endpoint at ${baseUrl} redirected (HTTP ${status})${target ? ` to ${target}` : ''}. The client secret is not sent on to another address: set the Base URL of the credential to the address of the API itself.`,
		);
	}
	if (status === 400 || status === 401) {
		return described(
			`INVERS rejected the Client ID or Client Secret (HTTP ${status} from ${baseUrl}). Check both in FleetControl under API clients; Client IDs often contain '#', copy them whole.`,
		);
	}
	if (status === 403) {
		return described(
			`The API client is not allowed to request tokens at ${baseUrl} (HTTP 403): ask INVERS to enable it`,
		);
	}
	if (status === 429) {
		return described(
			`INVERS refused the token request for now (HTTP 429 "too many requests" from ${baseUrl}): try again later.`,
		);
	}
	if (status) {
		return described(`The token request to ${baseUrl} failed with HTTP ${status}.`);
	}
	const reason = code ?? (error instanceof Error ? error.message : 'unknown error');
	return described(
		`Could not reach the INVERS OneAPI at ${baseUrl} (${reason}): check the Base URL and the network.`,
	);
}
