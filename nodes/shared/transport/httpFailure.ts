/**
 * What a failed HTTP call tells us, whichever shape the error came in: n8n wraps the request
 * library's error in a NodeApiError (the original as `cause`), the request library keeps the
 * response under `response`. Only status, headers, body and the network error code are read:
 * the request configuration (with the Authorization header) is never touched or passed on.
 */
export interface HttpFailure {
	status?: number;
	headers: Record<string, string>;
	body?: unknown;
	/** Network-level error code such as ECONNRESET or ETIMEDOUT when no response came. */
	code?: string;
	message: string;
}

interface ErrorLike {
	cause?: unknown;
	response?: {
		status?: number;
		statusCode?: number;
		headers?: unknown;
		data?: unknown;
		body?: unknown;
	};
	code?: unknown;
	message?: unknown;
	httpCode?: unknown;
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const result: Record<string, string> = {};
	if (!headers || typeof headers !== 'object') return result;
	const source =
		typeof (headers as { toJSON?: unknown }).toJSON === 'function'
			? (headers as { toJSON(): Record<string, unknown> }).toJSON()
			: (headers as Record<string, unknown>);
	for (const [name, value] of Object.entries(source)) {
		if (value === undefined || value === null) continue;
		result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return result;
}

const NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENOTFOUND',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'UND_ERR_SOCKET',
]);

function findNetworkCode(error: ErrorLike): string | undefined {
	const code = typeof error.code === 'string' ? error.code : undefined;
	if (code && (NETWORK_CODES.has(code) || code.startsWith('E'))) return code;
	const message = typeof error.message === 'string' ? error.message : '';
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	return undefined;
}

export function readHttpFailure(error: unknown): HttpFailure {
	// Walk the cause chain: the innermost error with a response is the request library's own.
	const chain: ErrorLike[] = [];
	let current: unknown = error;
	while (current && typeof current === 'object' && chain.length < 5) {
		chain.push(current as ErrorLike);
		current = (current as ErrorLike).cause;
	}
	const withResponse = chain.find((entry) => entry.response && typeof entry.response === 'object');
	const response = withResponse?.response;
	let code: string | undefined;
	for (const entry of chain) {
		code = code ?? findNetworkCode(entry);
	}
	const message = chain
		.map((entry) => (typeof entry.message === 'string' ? entry.message : ''))
		.find((text) => text !== '');
	return {
		status: response ? Number(response.status ?? response.statusCode) || undefined : undefined,
		headers: lowerCaseHeaders(response?.headers),
		body: response?.data ?? response?.body,
		code: response ? undefined : code,
		message: message ?? 'Unknown error',
	};
}

/** The failure behind each error the transport threw for it (status and body, never the request). */
const failures = new WeakMap<object, HttpFailure>();

/** Keeps the failure with the error made of it, for callers that read more than the message. */
export function withFailure<E extends object>(error: E, failure: HttpFailure): E {
	failures.set(error, failure);
	return error;
}

export function failureBehind(error: unknown): HttpFailure | undefined {
	return error && typeof error === 'object' ? failures.get(error) : undefined;
}

/**
 * Codes of a request that could not be built (a header or URL Node.js refuses): thrown before
 * a connection is opened, so nothing was sent, and sending it again fails the same way.
 */
const REQUEST_NOT_BUILT_CODES = new Set([
	'ERR_INVALID_CHAR',
	'ERR_INVALID_HTTP_TOKEN',
	'ERR_HTTP_INVALID_HEADER_VALUE',
	'ERR_INVALID_URL',
	'ERR_UNESCAPED_CHARACTERS',
]);

function requestNotBuilt(failure: HttpFailure): boolean {
	return failure.status === undefined && REQUEST_NOT_BUILT_CODES.has(failure.code ?? '');
}

export function isNetworkFailure(failure: HttpFailure): boolean {
	return failure.status === undefined && failure.code !== undefined && !requestNotBuilt(failure);
}

/** True when the request certainly never reached the server (nothing was sent). */
export function failedBeforeSending(failure: HttpFailure): boolean {
	return (
		requestNotBuilt(failure) ||
		(failure.status === undefined &&
			['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(
				failure.code ?? '',
			))
	);
}
