import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { HttpFailure } from './httpFailure';

/**
 * Takes the credential's secrets out of text that came from an answer. An API or a gateway may
 * repeat the request in its error (the Authorization header in a problem detail, a form body in
 * a web page); that text goes into errors, items and logs, which are stored with executions and
 * shown to people who may use a credential without being allowed to see it.
 */

export const REDACTED = '[redacted]';

/** Shorter values are not scrubbed: replacing every "ab" in a text would garble it, not protect. */
const MIN_SECRET_LENGTH = 4;

/** `Bearer <token>`: any token, not only the current one (an older one may be echoed too). */
const BEARER = /\b(Bearer)(\s+)([A-Za-z0-9\-._~+/]{16,}=*)/gi;
/** `Basic <base64>`: redacted when it decodes to `id:secret`, not in "Basic authentication". */
const BASIC = /\b(Basic)(\s+)([A-Za-z0-9+/]{6,}={0,2})/gi;

function isBasicCredential(base64: string): boolean {
	const decoded = Buffer.from(base64, 'base64').toString('utf8');
	if (!decoded.includes(':')) return false;
	// Printable text: a word that merely looks like base64 decodes to control characters.
	return [...decoded].every((char) => char >= ' ' && char !== '\ufffd');
}

/** The values to take out for a credential: its secret, its Basic credentials and its tokens. */
export function secretsOf(
	credentials: ICredentialDataDecryptedObject | undefined,
	...tokens: unknown[]
): string[] {
	const values = new Set<string>();
	const add = (value: unknown) => {
		if (typeof value === 'string' && value.length >= MIN_SECRET_LENGTH) values.add(value);
	};
	const secret = credentials?.clientSecret;
	if (typeof secret === 'string' && secret !== '') {
		add(secret);
		add(encodeURIComponent(secret));
		const basic = Buffer.from(`${String(credentials?.clientId ?? '')}:${secret}`).toString(
			'base64',
		);
		add(basic);
		add(basic.replace(/=+$/, ''));
	}
	add(credentials?.amqpPassword);
	add(credentials?.accessToken);
	tokens.forEach(add);
	// Longest first: a value that contains another is taken out whole.
	return [...values].sort((a, b) => b.length - a.length);
}

export function scrubText(text: string, secrets: readonly string[]): string {
	let result = text;
	for (const secret of secrets) {
		if (result.includes(secret)) result = result.split(secret).join(REDACTED);
	}
	return result
		.replace(BEARER, (_, scheme: string, space: string) => `${scheme}${space}${REDACTED}`)
		.replace(BASIC, (match: string, scheme: string, space: string, value: string) =>
			isBasicCredential(value) ? `${scheme}${space}${REDACTED}` : match,
		);
}

const MAX_DEPTH = 20;

/** Every text in a value (a parsed JSON body, a text body, bytes) with the secrets taken out. */
export function scrubValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
	if (typeof value === 'string') return scrubText(value, secrets);
	if (Buffer.isBuffer(value)) return scrubText(value.toString('utf8'), secrets);
	if (!value || typeof value !== 'object') return value;
	// Problem bodies are shallow; a deeper structure is cut rather than walked without end.
	if (depth >= MAX_DEPTH) return REDACTED;
	if (Array.isArray(value)) return value.map((entry) => scrubValue(entry, secrets, depth + 1));
	const result: Record<string, unknown> = {};
	for (const [key, entry] of Object.entries(value)) {
		result[scrubText(key, secrets)] = scrubValue(entry, secrets, depth + 1);
	}
	return result;
}

/** A failed request's answer (body, headers, message) with the secrets taken out. */
export function scrubFailure(failure: HttpFailure, secrets: readonly string[]): HttpFailure {
	return {
		...failure,
		body: scrubValue(failure.body, secrets),
		headers: scrubValue(failure.headers, secrets) as Record<string, string>,
		message: scrubText(failure.message, secrets),
	};
}
