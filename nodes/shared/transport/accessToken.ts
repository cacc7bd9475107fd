import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IHttpRequestHelper } from 'n8n-workflow';

import { TOKEN_PATH } from '../contract';
import { baseUrlOf } from './baseUrl';
import { describeSettingFailure, describeTokenFailure, TokenRequestError } from './tokenErrors';

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

async function requestToken(
	helpers: IHttpRequestHelper['helpers'],
	credentials: ICredentialDataDecryptedObject,
	baseUrl: string,
): Promise<CachedToken> {
	let response: { access_token?: unknown; expires_in?: unknown };
	try {
		response = (await helpers.httpRequest({
			method: 'POST',
			url: `${baseUrl}${TOKEN_PATH}`,
			// Basic auth through the request library, not the URL: client IDs contain '#'.
			auth: { username: String(credentials.clientId), password: String(credentials.clientSecret) },
			headers: { Accept: 'application/json' },
			json: true,
			timeout: 30_000,
			// A redirect would take the client secret to another address, and the token it answers
			// with would be used: a 3xx is an error naming where it pointed.
			disableFollowRedirect: true,
		})) as typeof response;
	} catch (error) {
		throw describeTokenFailure(error, baseUrl);
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

/** Forgets every cached token (tests; a process that rotates secrets needs nothing of this). */
export function clearAccessTokenCache(): void {
	cache.clear();
	inFlight.clear();
}
