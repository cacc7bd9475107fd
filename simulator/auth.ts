/** Client authentication (Basic on the token endpoint, Bearer everywhere else) and permissions. */
import { problemTypes } from './inversRules';
import { HttpProblem } from './problems';
import type { TokenStore } from './tokens';
import type { ClientDefinition } from './types';

const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

/**
 * Client id and secret from a Basic header. Splits at the first colon (RFC 7617: an id has none)
 * and keeps the raw text; `findClient` also tries the URL-decoded form, which some OAuth clients
 * send (RFC 6749 2.3.1 form-encodes id and secret, turning `#` into `%23`).
 */
export function decodeBasicAuth(
	header: string | undefined,
): { id: string; secret: string } | undefined {
	const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
	if (!match) return undefined;
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return undefined;
	return { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

export function findClient(
	clients: readonly ClientDefinition[],
	id: string,
	secret: string,
): ClientDefinition | undefined {
	const ids = new Set([id, formDecode(id)]);
	const secrets = new Set([secret, formDecode(secret)]);
	return clients.find((client) => ids.has(client.clientId) && secrets.has(client.clientSecret));
}

function formDecode(text: string): string {
	try {
		return decodeURIComponent(text.replace(/\+/g, ' '));
	} catch {
		return text;
	}
}

/** The client behind the request's Bearer token, or a 401 that says why not. */
export function authenticateBearer(
	header: string | undefined,
	tokens: TokenStore,
): ClientDefinition {
	if (!header || header.trim() === '') {
		throw new HttpProblem(
			401,
			problemTypes.missingCredentials,
			'No Authorization header: send "Authorization: Bearer <access token>".',
			BEARER_CHALLENGE,
		);
	}
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
	const issued = match ? tokens.verify(match[1]) : undefined;
	if (!issued) {
		throw new HttpProblem(
			401,
			problemTypes.invalidCredentials,
			match
				? 'The access token is unknown or expired: fetch a new one.'
				: 'The Authorization header is not a Bearer token.',
			BEARER_CHALLENGE,
		);
	}
	return issued.client;
}

/** 403 naming the permission when the client holds none of `anyOf` (the first is named). */
export function requirePermission(client: ClientDefinition, anyOf: readonly string[]): void {
	if (anyOf.some((permission) => client.permissions.includes(permission))) return;
	const others = anyOf.slice(1).map((permission) => `'${permission}'`);
	const alternatives = others.length ? ` (or ${others.join(', ')})` : '';
	throw new HttpProblem(
		403,
		problemTypes.missingPermissions,
		`The API client '${client.clientId}' lacks the permission '${anyOf[0]}'${alternatives}.`,
	);
}
