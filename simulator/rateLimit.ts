/**
 * Fixed-window rate limiting per API client, with the contract's headers on every answer so that
 * the package's pacing (keep `Remaining` above 0, wait for `Reset`) can be exercised.
 */
import { rateLimitHeaders } from './apiNames';
import { problemTypes } from './inversRules';
import { HttpProblem } from './problems';
import type { RateLimitConfig } from './types';

interface Window {
	start: number;
	count: number;
}

export class RateLimiter {
	private readonly windows = new Map<string, Window>();
	/** Counts 429s: the server adds it to the stats. */
	onLimited: () => void = () => {};

	/**
	 * Counts one request of `clientId`. Returns the headers for the answer, or throws the 429
	 * (with the same headers plus Retry-After) when the window is used up.
	 */
	consume(
		clientId: string,
		config: RateLimitConfig,
		now: number = Date.now(),
	): Record<string, string> {
		// Windows are aligned to multiples of windowMs, so every client's reset is predictable.
		const start = Math.floor(now / config.windowMs) * config.windowMs;
		let window = this.windows.get(clientId);
		if (!window || window.start !== start) {
			window = { start, count: 0 };
			this.windows.set(clientId, window);
		}
		const resetAt = start + config.windowMs;
		const limited = window.count >= config.limit;
		if (!limited) window.count++;
		const headers = rateLimitHeaderValues(config.limit, config.limit - window.count, resetAt);
		if (!limited) return headers;
		this.onLimited();
		throw tooManyRequests(Math.ceil((resetAt - now) / 1000), headers);
	}

	clear(): void {
		this.windows.clear();
	}
}

export function rateLimitHeaderValues(
	limit: number,
	remaining: number,
	resetAtMs: number,
): Record<string, string> {
	return {
		[rateLimitHeaders.limit]: String(limit),
		[rateLimitHeaders.remaining]: String(Math.max(0, remaining)),
		// Rounded up: a client that waits until this second never comes back too early.
		[rateLimitHeaders.reset]: String(Math.ceil(resetAtMs / 1000)),
	};
}

/** 429 with `Retry-After` in whole seconds, at least 1 (the contract has no finer unit). */
export function tooManyRequests(
	retryAfterSeconds: number,
	headers: Record<string, string> = {},
): HttpProblem {
	const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
	return new HttpProblem(
		429,
		problemTypes.tooManyRequests,
		`Rate limit exceeded: retry after ${seconds} s.`,
		{ ...headers, [rateLimitHeaders.retryAfter]: String(seconds) },
	);
}
