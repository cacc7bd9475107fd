import { sleep } from 'n8n-workflow';

import { rateLimitHeaders } from '../contract';

/**
 * Shortest wait after a 429, also when no time is named (the contract promises a header; be safe
 * anyway). A computed wait of zero or less (`Retry-After: 0`, a reset already past by this
 * machine's clock) would send the request again at once, and again: at least this long.
 */
export const MIN_RETRY_DELAY_MS = 1_000;

/** The wait a 429 names, if it names one. */
function namedDelayMs(headers: Record<string, string>, now: number): number | undefined {
	const retryAfter = headers[rateLimitHeaders.retryAfter];
	if (retryAfter !== undefined && retryAfter !== '') {
		const seconds = Number(retryAfter);
		if (Number.isFinite(seconds)) return seconds * 1000;
		const date = Date.parse(retryAfter);
		if (!Number.isNaN(date)) return date - now;
	}
	const reset = Number(headers[rateLimitHeaders.reset]);
	if (Number.isFinite(reset) && reset > 0) return reset * 1000 - now;
	return undefined;
}

/**
 * How long a 429 asks us to wait: `Retry-After` (seconds or an HTTP date) or, failing that,
 * `X-Rate-Limit-Reset` (UTC epoch seconds); never less than MIN_RETRY_DELAY_MS.
 */
export function retryDelayMs(headers: Record<string, string>, now = Date.now()): number {
	return Math.max(MIN_RETRY_DELAY_MS, namedDelayMs(headers, now) ?? MIN_RETRY_DELAY_MS);
}

/** How often a request that waits for an answer of the requests under way looks again. */
const ANSWER_POLL_MS = 20;

/**
 * Paces requests of one API client so that `X-Rate-Limit-Remaining` never reaches zero: once the
 * API says only the requests already under way are left, new ones wait for the window's reset.
 * When a window has passed, its successor is assumed to hold `X-Rate-Limit-Limit` requests until
 * an answer tells the real count, so parallel requests do not all rush into the new window.
 * One gate per API client and process, so parallel items and nodes share it.
 */
export class RateLimitGate {
	/** Requests per window, from `X-Rate-Limit-Limit`. */
	private limit?: number;

	/** Requests left in the current window; undefined while the API has said nothing. */
	private remaining?: number;

	/** When the current window ends; Infinity while a new window's end is not known yet. */
	private resetAt = 0;

	private inFlight = 0;

	observe(headers: Record<string, string>, now = Date.now()): void {
		const limit = Number(headers[rateLimitHeaders.limit]);
		if (Number.isFinite(limit) && limit > 0) this.limit = limit;
		const remaining = Number(headers[rateLimitHeaders.remaining]);
		const reset = Number(headers[rateLimitHeaders.reset]);
		if (headers[rateLimitHeaders.remaining] === undefined || !Number.isFinite(remaining)) return;
		const resetAt = Number.isFinite(reset) && reset > 0 ? reset * 1000 : now + 1000;
		// A newer window replaces the old; within one window the lowest count is the truth.
		const unknownWindow = this.resetAt === Infinity;
		if (
			unknownWindow ||
			resetAt > this.resetAt ||
			this.remaining === undefined ||
			remaining < this.remaining
		) {
			this.remaining = remaining;
			this.resetAt = resetAt;
		}
	}

	/** Blocks a 429 answer's whole window for every request of this client. */
	exhaustedUntil(resetAt: number): void {
		this.remaining = 0;
		this.resetAt = this.resetAt === Infinity ? resetAt : Math.max(this.resetAt, resetAt);
	}

	/** Waits until a request may be sent; returns how long it waited. */
	async acquire(maxWaitMs: number): Promise<number> {
		let waited = 0;
		for (;;) {
			const now = Date.now();
			if (this.remaining !== undefined && this.resetAt <= now) {
				// The window passed: the next one holds the limit, its end is learnt from an answer.
				this.remaining = this.limit;
				this.resetAt = this.limit === undefined ? 0 : Infinity;
			}
			if (this.remaining === undefined || this.remaining - this.inFlight > 0) break;
			let wait: number;
			if (this.resetAt === Infinity) {
				// The new window is used up by requests under way: their answers tell when it ends.
				if (this.inFlight === 0) break;
				wait = ANSWER_POLL_MS;
			} else {
				wait = this.resetAt - now + 50;
			}
			// A reset beyond the caller's budget is not waited for: the request goes out, and if the
			// limit really still holds, its own 429 ends it with a clear error instead of a stall.
			if (wait > maxWaitMs - waited) break;
			await sleep(wait);
			waited += wait;
		}
		this.inFlight++;
		return waited;
	}

	release(): void {
		this.inFlight = Math.max(0, this.inFlight - 1);
	}
}

const gates = new Map<string, RateLimitGate>();

export function rateLimitGateFor(clientKey: string): RateLimitGate {
	let gate = gates.get(clientKey);
	if (!gate) {
		gate = new RateLimitGate();
		gates.set(clientKey, gate);
	}
	return gate;
}
