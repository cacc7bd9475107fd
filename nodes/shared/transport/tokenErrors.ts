import { TOKEN_PATH } from '../contract';
import { readHttpFailure } from './httpFailure';
import { isRedirectStatus, redirectTarget } from './redirect';

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

/**
 * Turns a failed token request into an error a person can act on. The original error is not
 * passed on: the request library's error carries the request configuration, Basic auth included.
 */
export function describeTokenFailure(error: unknown, baseUrl: string): TokenRequestError {
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
	if (isRedirectStatus(status)) {
		const target = redirectTarget(
			readHttpFailure(error).headers.location,
			`${baseUrl}${TOKEN_PATH}`,
		);
		return new TokenRequestError(
			`The token endpoint at ${baseUrl} redirected (HTTP ${status})${target ? ` to ${target}` : ''}. The client secret is not sent on to another address: set the Base URL of the credential to the address of the API itself.`,
		);
	}
	if (status === 400 || status === 401) {
		return new TokenRequestError(
			`INVERS rejected the Client ID or Client Secret (HTTP ${status} from ${baseUrl}). Check both in FleetControl under API clients; Client IDs often contain '#', copy them whole.`,
		);
	}
	if (status === 403) {
		return new TokenRequestError(
			`The API client is not allowed to request tokens at ${baseUrl} (HTTP 403): ask INVERS to enable it`,
		);
	}
	if (status) {
		return new TokenRequestError(`The token request to ${baseUrl} failed with HTTP ${status}`);
	}
	const reason = code ?? (error instanceof Error ? error.message : 'unknown error');
	return new TokenRequestError(
		`Could not reach the INVERS OneAPI at ${baseUrl} (${reason}): check the Base URL and the network`,
	);
}
