/**
 * What went wrong with a request sent over the package's own connections, in the terms the
 * transport decides on (retry or not, may it have run): never the request itself, so neither the
 * Authorization header nor a proxy's password can end up in an error.
 */
export interface ClientFailure {
	/** Network-level code: ECONNRESET, ETIMEDOUT, a TLS code such as CERT_HAS_EXPIRED, ... */
	code?: string;
	/** The answer, when one came with a status of 300 or more (no redirect is followed). */
	response?: { status: number; headers: Record<string, string>; body: unknown };
	/** The status line that came before the answer broke off or stalled. */
	statusSeen?: number;
	/** True when the request certainly never reached the API (no connection to it was made). */
	notSent: boolean;
	/** True when trying again cannot help (an untrusted certificate, a blocked address). */
	permanent?: boolean;
}

export class HttpClientError extends Error {
	readonly name = 'HttpClientError';

	constructor(
		message: string,
		readonly failure: ClientFailure,
	) {
		super(message);
	}
}

export function findHttpClientError(error: unknown): HttpClientError | undefined {
	let current: unknown = error;
	for (let depth = 0; current && typeof current === 'object' && depth < 5; depth++) {
		if (current instanceof HttpClientError) return current;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

/** Codes Node and OpenSSL give an untrusted or unusable certificate: trying again cannot help. */
export function isCertificateProblem(code: string | undefined): boolean {
	return (
		!!code &&
		(/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code) ||
			code === 'ERR_SSL_WRONG_VERSION_NUMBER')
	);
}
