import type {
	ICredentialsDecrypted,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	ITriggerFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CredentialSettingError } from '../connectionSecurity';
import { cachedAccessToken } from './accessToken';
import { baseUrlOf } from './baseUrl';
import { secretsOf } from './secretScrub';

/**
 * The credential a node execution reaches the API with: loaded once per execution context (a
 * node run, a list search, a trigger's activation) and handed to each of its requests.
 */

export const CREDENTIAL_TYPE = 'inversOneApi';

export type OneApiContext = IExecuteFunctions | ILoadOptionsFunctions | ITriggerFunctions;

/** What a node execution needs to reach the API, read from its credential once. */
export interface Connection {
	baseUrl: string;
	/** Identifies the API client for rate-limit pacing (never holds the secret). */
	clientKey: string;
	/**
	 * The credential, decrypted once per node execution and handed to each of its requests.
	 * Without it n8n loads the credential anew for every request: in n8n a database read, a
	 * decryption and its expressions resolved, once per page of a fleet. A token renewed for one
	 * request is kept here for the requests after it (see `withCredential`).
	 */
	credentials?: ICredentialsDecrypted;
	/**
	 * The credential's secrets as they stand now (a token renewed during the execution included),
	 * to take out of any text an answer brings back.
	 */
	secrets(): string[];
}

const contextConnection = new WeakMap<object, Promise<Connection>>();

async function openConnection(context: OneApiContext): Promise<Connection> {
	const data = await context.getCredentials(CREDENTIAL_TYPE);
	let baseUrl: string;
	try {
		baseUrl = baseUrlOf(data);
	} catch (error) {
		const field = error instanceof CredentialSettingError ? error.field : 'Base URL';
		throw new NodeOperationError(context.getNode(), (error as Error).message, {
			description: `Correct the field "${field}" of the INVERS OneAPI credential. Nothing was sent.`,
		});
	}
	const reference = context.getNode().credentials?.[CREDENTIAL_TYPE];
	return {
		baseUrl,
		clientKey: `${baseUrl}\u0000${String(data.clientId)}`,
		// `data` is the object handed to requests (`credentials.data`): it holds the current token.
		secrets: () => secretsOf(data, cachedAccessToken(data)),
		credentials:
			typeof reference?.id === 'string'
				? { id: reference.id, name: reference.name, type: CREDENTIAL_TYPE, data }
				: undefined,
	};
}

/**
 * Runs one request with a copy of the execution's credential. After a 401 n8n asks the
 * credential for a new token and names the token it holds as the refused one: with a shared
 * object that could be a token another request has just renewed to, which would be thrown away
 * for yet another. A copy holds exactly the token this request sent. A token n8n fetched for the
 * request is kept for the execution, unless a newer one already replaced the one it sent.
 */
export async function withCredential<T>(
	shared: ICredentialsDecrypted | undefined,
	send: (credential: ICredentialsDecrypted | undefined) => Promise<T>,
): Promise<T> {
	if (!shared?.data) return await send(undefined);
	const sentToken = shared.data.accessToken;
	const credential = { ...shared, data: { ...shared.data } };
	try {
		return await send(credential);
	} finally {
		const renewed = credential.data.accessToken;
		if (renewed !== sentToken && shared.data.accessToken === sentToken) {
			shared.data.accessToken = renewed;
		}
	}
}

/** The connection of a node execution, made once: items running in parallel share it. */
export function connection(context: OneApiContext): Promise<Connection> {
	let cached = contextConnection.get(context);
	if (!cached) {
		cached = openConnection(context);
		// A failure (no credential set) must not stick to the context: the next call tries again.
		cached.catch(() => contextConnection.delete(context));
		contextConnection.set(context, cached);
	}
	return cached;
}

/**
 * Drops the context's connection after a failed token request or a 401: the credential may have
 * changed since it was loaded (a corrected or rotated secret), and a trigger's context lasts as
 * long as its activation. The next request loads it again.
 */
export function forgetConnection(context: OneApiContext): void {
	contextConnection.delete(context);
}
