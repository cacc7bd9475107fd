/** Issued access tokens: random opaque strings that expire after the configured TTL. */
import { randomBytes } from 'node:crypto';
import type { ClientDefinition } from './types';

export interface IssuedToken {
	client: ClientDefinition;
	expiresAt: number;
}

export class TokenStore {
	private readonly tokens = new Map<string, IssuedToken>();

	issue(client: ClientDefinition, ttlSeconds: number, now: number = Date.now()): string {
		this.pruneExpired(now);
		const token = randomBytes(24).toString('base64url');
		this.tokens.set(token, { client, expiresAt: now + ttlSeconds * 1000 });
		return token;
	}

	/** The token's grant, or undefined when it is unknown or expired. */
	verify(token: string, now: number = Date.now()): IssuedToken | undefined {
		const issued = this.tokens.get(token);
		if (!issued) return undefined;
		if (issued.expiresAt <= now) {
			this.tokens.delete(token);
			return undefined;
		}
		return issued;
	}

	/** Lets every token issued so far expire now: the way tests provoke a 401 and a re-fetch. */
	expireAll(): void {
		this.tokens.clear();
	}

	private pruneExpired(now: number): void {
		for (const [token, issued] of this.tokens) {
			if (issued.expiresAt <= now) this.tokens.delete(token);
		}
	}
}
