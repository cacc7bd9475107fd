import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { TOKEN_PATH } from '../contract';
import { baseUrlOf } from './baseUrl';
import { isNetworkFailure, readHttpFailure } from './httpFailure';
import { retryDelayMs } from './rateLimit';
import type { RetrySettings } from './retryPolicy';
import { backoffMs, isTransientStatus, RETRY_DEFAULTS } from './retryPolicy';
import { secretsOf } from './secretScrub';
import {
	describeSettingFailure,
	describeTokenFailure,
	noteOnTokenFailure,
	TokenRequestError,
} from './tokenErrors';

/**
 * Renew a cached token this long before INVERS says it expires (a tenth of its lifetime, at most
 * a minute), so that no request races the expiry.
 */
function expiryMarginMs(lifetimeMs: number): number {
	return Math.min(60_000, lifetimeMs / 10);
}

interface CachedToken {
	token: string;
	expiresAt: number;
}

/**
 * Tokens by credential identity (base URL, client ID and a hash of the secret, never the secret
 * itself). n8n stores the token with the credential and asks for a new one when it is empty or a
 * request got 401; this cache makes requests running in parallel (or several nodes of one
 * workflow) share one token request instead of each fetching its own.
 */
const cache = new Map<string, CachedToken>();
const inFlight = new Map<string, Promise<CachedToken>>();

function cacheKey(baseUrl: string, credentials: ICredentialDataDecryptedObject): string {
	return createHash('sha256')
		.update([baseUrl, credentials.clientId, credentials.clientSecret].join('\u0000'))
		.digest('hex');
}

/** The checked Base URL; a setting that cannot be used fails like a token request would. */
function tokenBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	try {
		return baseUrlOf(credentials);
	} catch (error) {
		throw describeSettingFailure(error);
	}
}

/** How far the retries of one token request have come. */
interface TokenAttempts {
	retries: number;
	rateLimitAnswers: number;
	rateLimitWaitedMs: number;
}

/** What to do after a failed token request: wait and send again, or stop (with a note or none). */
function afterTokenFailure(
	error: unknown,
	attempts: TokenAttempts,
	settings: RetrySettings,
): { waitMs: number } | { stop: string | undefined } {
	const failure = readHttpFailure(error);
	const seconds = (ms: number) => Math.round(ms / 1000);
	if (failure.status === 429) {
		attempts.rateLimitAnswers++;
		const delay = retryDelayMs(failure.headers);
		if (delay > settings.maxRateLimitWaitMs - attempts.rateLimitWaitedMs) {
			const waited = attempts.rateLimitWaitedMs;
			return {
				stop: `INVERS asked to wait ${seconds(delay)} s before the next token request; the node waits at most ${seconds(settings.maxRateLimitWaitMs)} s in all${waited ? ` (it had waited ${seconds(waited)} s)` : ''}.`,
			};
		}
		if (attempts.rateLimitAnswers > settings.maxRateLimitRetries) {
			return {
				stop: `The token request got ${attempts.rateLimitAnswers} "too many requests" answers and waited ${seconds(attempts.rateLimitWaitedMs)} s.`,
			};
		}
		attempts.rateLimitWaitedMs += delay;
		return { waitMs: delay };
	}
	// A 4xx is the credential, a 3xx a redirect never followed: asking again changes nothing.
	if (!isTransientStatus(failure.status) && !isNetworkFailure(failure)) return { stop: undefined };
	if (attempts.retries >= settings.maxRetries) {
		return { stop: `Tried ${attempts.retries + 1} times.` };
	}
	return { waitMs: backoffMs(attempts.retries++, settings.retryBaseDelayMs) };
}

/**
 * Sends a token request with the bounded retries every request of this package gets: a 429 is
 * waited out as its Retry-After (or X-Rate-Limit-Reset) asks, within the same bounds; a 5xx, a
 * timeout or a dropped connection is sent again after a growing pause. Never after a 4xx other
 * than 429 (the Client ID or Secret is wrong) nor after a 3xx (a redirect is never followed).
 * The last failure is thrown with a note saying what was tried (see describeTokenFailure).
 */
export async function withTokenRetries<T>(
	send: () => Promise<T>,
	settings: RetrySettings = RETRY_DEFAULTS,
): Promise<T> {
	const attempts: TokenAttempts = { retries: 0, rateLimitAnswers: 0, rateLimitWaitedMs: 0 };
	for (;;) {
		try {
			return await send();
		} catch (error) {
			const next = afterTokenFailure(error, attempts, settings);
			if ('stop' in next) throw noteOnTokenFailure(error, next.stop);
			await sleep(next.waitMs);
		}
	}
}

async function requestToken(
	helpers: IHttpRequestHelper['helpers'],
	credentials: ICredentialDataDecryptedObject,
	baseUrl: string,
): Promise<CachedToken> {
	let response: { access_token?: unknown; expires_in?: unknown };
	try {
		response = (await withTokenRetries(
			async () =>
				await helpers.httpRequest({
					method: 'POST',
					url: `${baseUrl}${TOKEN_PATH}`,
					// Basic auth through the request library, not the URL: client IDs contain '#'.
					auth: {
						username: String(credentials.clientId),
						password: String(credentials.clientSecret),
					},
					headers: { Accept: 'application/json' },
					json: true,
					timeout: 30_000,
					// A redirect would take the client secret to another address, and the token it
					// answers with would be used: a 3xx is an error naming where it pointed.
					disableFollowRedirect: true,
				}),
		)) as typeof response;
	} catch (error) {
		throw describeTokenFailure(error, baseUrl, secretsOf(credentials));
	}
	if (typeof response?.access_token !== 'string' || response.access_token === '') {
		throw new TokenRequestError(
			`The token endpoint at ${baseUrl} answered without an access token: check the Base URL`,
		);
	}
	const lifetimeSeconds = Number(response.expires_in) > 0 ? Number(response.expires_in) : 900;
	const lifetimeMs = lifetimeSeconds * 1000;
	return {
		token: response.access_token,
		expiresAt: Date.now() + lifetimeMs - expiryMarginMs(lifetimeMs),
	};
}

/**
 * Returns a valid access token for the credential. `rejectedToken` is the token n8n held when it
 * asked (after a 401 that is the token the API refused): it is never handed out again.
 */
export async function getAccessToken(
	helpers: IHttpRequestHelper['helpers'],
	credentials: ICredentialDataDecryptedObject,
): Promise<string> {
	const baseUrl = tokenBaseUrl(credentials);
	const key = cacheKey(baseUrl, credentials);
	const rejectedToken = credentials.accessToken;
	const cached = cache.get(key);
	if (cached && cached.token !== rejectedToken && cached.expiresAt > Date.now()) {
		return cached.token;
	}
	let pending = inFlight.get(key);
	if (!pending) {
		pending = requestToken(helpers, credentials, baseUrl).finally(() => inFlight.delete(key));
		inFlight.set(key, pending);
	}
	const fresh = await pending;
	cache.set(key, fresh);
	return fresh.token;
}

/** The token this process holds for the credential, if any (to take it out of answers' texts). */
export function cachedAccessToken(credentials: ICredentialDataDecryptedObject): string | undefined {
	try {
		return cache.get(cacheKey(baseUrlOf(credentials), credentials))?.token;
	} catch {
		return undefined;
	}
}

/** Forgets every cached token (tests; a process that rotates secrets needs nothing of this). */
export function clearAccessTokenCache(): void {
	cache.clear();
	inFlight.clear();
}
