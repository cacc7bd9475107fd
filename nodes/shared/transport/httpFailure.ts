import {
	findHttpClientError,
	type HttpClientError,
	isCertificateProblem,
} from './http/clientError';

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
	/**
	 * The success status that came before the answer broke off or stalled: the request reached
	 * INVERS, and its answer is lost.
	 */
	brokeOffAfterStatus?: number;
	/** Known for certain: the request never left (no connection to the API was made). */
	notSent?: boolean;
	/** Trying again cannot help (an untrusted certificate, an address n8n's policy refuses). */
	permanent?: boolean;
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
	if (code && (NETWORK_CODES.has(code) || code.startsWith('E') || isCertificateProblem(code))) {
		return code;
	}
	const message = typeof error.message === 'string' ? error.message : '';
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	return undefined;
}

function fromClientError(error: HttpClientError): HttpFailure {
	const { failure } = error;
	return {
		status: failure.response?.status,
		headers: failure.response?.headers ?? {},
		body: failure.response?.body,
		code: failure.response
			? undefined
			: (failure.code ?? (failure.permanent ? 'EREFUSED' : undefined)),
		message: error.message,
		brokeOffAfterStatus: failure.response ? undefined : failure.statusSeen,
		notSent: failure.notSent,
		permanent: failure.permanent,
	};
}

export function readHttpFailure(error: unknown): HttpFailure {
	const clientError = findHttpClientError(error);
	if (clientError) return fromClientError(clientError);
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
	const status = response ? Number(response.status ?? response.statusCode) || undefined : undefined;
	if (status !== undefined && status < 300) {
		// A success status inside an error: the body broke off (or could not be read) after it.
		return {
			status: undefined,
			headers: lowerCaseHeaders(response?.headers),
			code: code ?? 'ECONNRESET',
			message: message ?? 'Unknown error',
			brokeOffAfterStatus: status,
			notSent: false,
		};
	}
	return {
		status,
		headers: lowerCaseHeaders(response?.headers),
		body: response?.data ?? response?.body,
		code: response ? undefined : code,
		message: message ?? 'Unknown error',
		...(!response && isCertificateProblem(code) && { notSent: true, permanent: true }),
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

/** No answer, or one that broke off after its status: worth another try where that is safe. */
export function isNetworkFailure(failure: HttpFailure): boolean {
	return (
		failure.status === undefined &&
		failure.code !== undefined &&
		!failure.permanent &&
		!requestNotBuilt(failure)
	);
}

/** True when the request certainly never reached the server (nothing was sent). */
export function failedBeforeSending(failure: HttpFailure): boolean {
	if (failure.status !== undefined) return false;
	if (requestNotBuilt(failure)) return true;
	if (failure.notSent !== undefined) return failure.notSent;
	return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(
		failure.code ?? '',
	);
}
