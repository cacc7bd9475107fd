import type {
	ICredentialsDecrypted,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	NodeEgressFilter,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { getAccessToken } from './accessToken';
import type { Connection, OneApiContext } from './connection';
import { CREDENTIAL_TYPE, withCredential } from './connection';
import { findHttpClientError, HttpClientError } from './http/clientError';
import { proxyEnvironment } from './http/environment';
import { ACCEPT_ENCODING, exchange } from './http/exchange';
import type { ConnectionPolicy } from './http/pool';
import { leasePool, policyRefusal } from './http/pool';
import { proxyFor } from './http/proxyFor';

/**
 * Sends one OneAPI request the way that reuses connections while keeping n8n's token handling.
 *
 * n8n's request helper (`httpRequestWithAuthentication`) opens a new connection per request and
 * offers no way to keep one (see docs/nodes.md, "Connections"). The package therefore sends with
 * its own kept-alive connections (./http) whenever the credential holds a token. The token itself
 * stays n8n's: the helper is used whenever the credential has none yet, or after INVERS refused
 * the one it had (401). The helper's pre-authentication then stores the new token with the
 * credential, as it always did, and every request after it goes over the kept connections again.
 */

/** Requests sent each way since the process started (for tests and benchmarks). */
export const sendCounts = { keptAlive: 0, n8nHelper: 0 };

export interface RawAnswer {
	body: unknown;
	statusCode: number;
	headers: unknown;
}

/** n8n's outbound network policy (SSRF protection), where this n8n version offers it to nodes. */
function egressFilter(context: OneApiContext): NodeEgressFilter | undefined {
	const helpers = context.helpers as { getSecureEgressFilter?: () => NodeEgressFilter };
	return typeof helpers.getSecureEgressFilter === 'function'
		? helpers.getSecureEgressFilter()
		: undefined;
}

function cancelSignal(context: OneApiContext): AbortSignal | undefined {
	const withSignal = context as { getExecutionCancelSignal?: () => AbortSignal | undefined };
	return typeof withSignal.getExecutionCancelSignal === 'function'
		? withSignal.getExecutionCancelSignal()
		: undefined;
}

/** The URL with its query, percent-encoded as n8n's helper encodes it (a space is %20, not +). */
function urlOf(options: IHttpRequestOptions): URL {
	const url = new URL(options.url);
	const query = Object.entries((options.qs ?? {}) as IDataObject)
		.filter(([, value]) => value !== undefined && value !== null)
		.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
	if (query.length > 0) url.search = query.join('&');
	return url;
}

function bodyOf(options: IHttpRequestOptions): Buffer | undefined {
	const body = options.body;
	if (body === undefined || body === null) return undefined;
	if (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0) {
		return undefined;
	}
	return Buffer.from(JSON.stringify(body), 'utf8');
}

function policyFor(filter: NodeEgressFilter | undefined): () => ConnectionPolicy {
	return () =>
		filter
			? {
					lookup: filter.createSecureLookup(),
					checkHost: (host) => {
						const verdict = filter.validateConnectionHost(host);
						return verdict.ok ? undefined : policyRefusal(host, verdict.error);
					},
				}
			: {};
}

async function viaPool(
	context: OneApiContext,
	connection: Connection,
	options: IHttpRequestOptions,
	token: string,
): Promise<RawAnswer> {
	const url = urlOf(options);
	const filter = egressFilter(context);
	if (filter) {
		const verdict = await filter.validateUrl(url);
		if (!verdict.ok) throw policyRefusal(url.host, verdict.error);
	}
	const proxy = proxyFor(url, proxyEnvironment());
	const body = bodyOf(options);
	const headers: Record<string, string> = {
		...(options.headers as Record<string, string>),
		'Accept-Encoding': ACCEPT_ENCODING,
		'User-Agent': 'n8n',
		Authorization: `Bearer ${token}`,
	};
	if (body) headers['Content-Type'] = 'application/json';
	// A command is a POST without a body: say so, rather than leave the length open.
	else if (options.method !== 'GET' && options.method !== 'HEAD') headers['Content-Length'] = '0';
	const key = [connection.clientKey, url.origin, proxy?.href ?? 'direct'].join('\u0000');
	sendCounts.keptAlive++;
	const lease = leasePool(key, { origin: url, proxy }, policyFor(filter));
	try {
		return await exchange(
			{ agent: lease.agent, forwardProxy: url.protocol === 'http:' ? proxy : undefined },
			{
				method: options.method ?? 'GET',
				url,
				headers,
				body,
				timeoutMs: options.timeout ?? 30_000,
				cancel: cancelSignal(context),
			},
		);
	} finally {
		lease.release();
	}
}

/**
 * n8n's request helper, for a credential without a usable token: its pre-authentication stores
 * the token with the credential. The token is fetched first (the same shared request the
 * credential would make), so that the Timeout below bounds the API request alone. The helper
 * bounds only idle time: the Timeout is enforced around it; a request left behind then ends with
 * its connection, which the helper does not let go of earlier.
 */
async function viaHelper(
	context: OneApiContext,
	connection: Connection,
	options: IHttpRequestOptions,
	refusedToken: string | undefined,
): Promise<RawAnswer> {
	const shared = connection.credentials;
	if (shared?.data) {
		await getAccessToken(context.helpers as IHttpRequestHelper['helpers'], {
			...shared.data,
			accessToken: refusedToken ?? '',
		});
	}
	sendCounts.n8nHelper++;
	const request = withCredential(
		shared,
		async (credentialsDecrypted: ICredentialsDecrypted | undefined) =>
			(await context.helpers.httpRequestWithAuthentication.call(
				context,
				CREDENTIAL_TYPE,
				{ ...options, headers: { ...options.headers } },
				credentialsDecrypted && { credentialsDecrypted },
			)) as RawAnswer,
		{ withoutToken: true },
	);
	const timeoutMs = options.timeout ?? 30_000;
	const deadline = new AbortController();
	try {
		return await Promise.race([
			request,
			sleep(timeoutMs, deadline.signal).then(() => {
				throw new HttpClientError(`No complete answer within ${timeoutMs} ms`, {
					code: 'ETIMEDOUT',
					notSent: false,
				});
			}),
		]);
	} finally {
		deadline.abort();
	}
}

function tokenWasRefused(error: unknown): boolean {
	return findHttpClientError(error)?.failure.response?.status === 401;
}

/** Sends the request; an error keeps what the transport needs to judge it (see httpFailure.ts). */
export async function sendRequest(
	context: OneApiContext,
	connection: Connection,
	options: IHttpRequestOptions,
): Promise<RawAnswer> {
	const shared = connection.credentials;
	let token: unknown = shared?.data?.accessToken;
	// A token renewed by a parallel request while this one was refused is tried before renewing.
	for (
		let tries = 0;
		shared?.data && typeof token === 'string' && token !== '' && tries < 3;
		tries++
	) {
		const sent = await viaPool(context, connection, options, token).then(
			(answer) => ({ answer, error: undefined }),
			(error: unknown) => ({ answer: undefined, error }),
		);
		if (sent.answer) return sent.answer;
		if (!tokenWasRefused(sent.error)) throw sent.error;
		if (shared.data.accessToken === token) {
			return await viaHelper(context, connection, options, token);
		}
		token = shared.data.accessToken;
	}
	return await viaHelper(
		context,
		connection,
		options,
		typeof token === 'string' ? token : undefined,
	);
}
