/**
 * How often and how long a request of this package tries again: API requests and the token
 * request alike. A 429 is waited out as it asks, within bounds; a 5xx, a timeout or a dropped
 * connection is retried after a growing, jittered pause (where that is safe for the request).
 */
export const RETRY_DEFAULTS = {
	/** Retries after a 5xx, timeout or dropped connection. */
	maxRetries: 3,
	/** Total time one request may spend waiting for rate limits before it fails. */
	maxRateLimitWaitMs: 120_000,
	/** 429 answers one request may wait out before it fails, whatever they ask to wait. */
	maxRateLimitRetries: 10,
	/** First back-off delay; it doubles per retry, with jitter. */
	retryBaseDelayMs: 500,
};

export type RetrySettings = typeof RETRY_DEFAULTS;

export function isTransientStatus(status: number | undefined): boolean {
	return status === 500 || status === 502 || status === 503 || status === 504;
}

export function backoffMs(attempt: number, baseMs: number): number {
	const exponential = baseMs * 2 ** attempt;
	// Full jitter keeps parallel retries from arriving together.
	return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}
