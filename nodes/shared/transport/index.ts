import type { IDataObject, IHttpRequestMethods, IHttpRequestOptions } from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { FLOW_ID_HEADER, listQuery, readItems, readNextPageToken } from '../contract';
import type { OneApiContext } from './connection';
import { connection, CREDENTIAL_TYPE, forgetConnection, withCredential } from './connection';
import type { HttpFailure } from './httpFailure';
import { failedBeforeSending, isNetworkFailure, readHttpFailure, withFailure } from './httpFailure';
import type { ListPagingError } from './pagingGuard';
import { PagingGuard } from './pagingGuard';
import type { PageSizing } from './pageSize';
import { requestListPage } from './pageSize';
import type { FailedRequest } from './problemErrors';
import { problemToNodeApiError } from './problemErrors';
import { rateLimitGateFor, retryDelayMs } from './rateLimit';
import { recordRequestOutcome } from './requestOutcome';
import { scrubFailure, scrubValue } from './secretScrub';
import { backoffMs, isTransientStatus, RETRY_DEFAULTS } from './retryPolicy';
import type { ExpectedBody } from './responseBody';
import { bodyIsExpected, unexpectedBodyError } from './responseBody';
import { findTokenRequestError } from './tokenErrors';

/**
 * The one module that talks HTTP to the INVERS OneAPI. Every request goes through
 * n8n's `httpRequestWithAuthentication` with the shared credential, so n8n attaches (and on 401
 * renews) the access token; this module adds what the OneAPI needs on top: rate-limit pacing and
 * 429 waits, retries that are safe for the request, problem-JSON errors and the flow ID.
 */

export { CREDENTIAL_TYPE };
export type { OneApiContext };

export interface OneApiRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	headers?: Record<string, string>;
	/**
	 * Whether the request may be sent again after it may have reached the API. Defaults to true
	 * for GET, PUT and DELETE. Commands are physical actions and are never resent then.
	 */
	idempotent?: boolean;
	/** A vehicle command: errors say that it may or may not have been carried out. */
	isCommand?: boolean;
	/**
	 * What a successful answer must carry (see ExpectedBody): by default a JSON object, for
	 * DELETE and PATCH a JSON object or nothing.
	 */
	expect?: ExpectedBody;
	/** What the request is about, for messages: "vehicle JQ7RP". */
	subject?: string;
	/** A command's capability name, for messages: "LOCK_CENTRAL_LOCK". */
	command?: string;
	itemIndex?: number;
}

export interface OneApiResponse<T = unknown> {
	body: T;
	statusCode: number;
	flowId?: string;
	etag?: string;
	headers: Record<string, string>;
}

export interface TransportSettings {
	/** Per-request timeout. */
	timeoutMs: number;
	/** Retries after a 5xx, timeout or dropped connection (idempotent requests only). */
	maxRetries: number;
	/** Total time one request may spend waiting for rate limits before it fails. */
	maxRateLimitWaitMs: number;
	/** 429 answers one request may wait out before it fails, whatever they ask to wait. */
	maxRateLimitRetries: number;
	/** First back-off delay; it doubles per retry, with jitter. */
	retryBaseDelayMs: number;
}

export const DEFAULT_TRANSPORT_SETTINGS: TransportSettings = {
	timeoutMs: 30_000,
	...RETRY_DEFAULTS,
};

/** Settings per node execution context (nodes set them from their options once per run). */
const contextSettings = new WeakMap<object, TransportSettings>();

export function configureTransport(
	context: OneApiContext,
	settings: Partial<TransportSettings>,
): void {
	contextSettings.set(context, { ...DEFAULT_TRANSPORT_SETTINGS, ...settings });
}

function lowerCaseHeaders(headers: unknown): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) {
		if (value !== undefined && value !== null) result[name.toLowerCase()] = String(value);
	}
	return result;
}

/** What a request saw of the rate limit when it gave up. */
interface RateLimitStop {
	/** 429 answers received, the last one included. */
	answers: number;
	/** Time waited for the rate limit so far. */
	waitedMs: number;
	/** The wait the last 429 asked for. */
	askedMs: number;
}

function rateLimitExceededError(
	context: OneApiContext,
	request: FailedRequest,
	settings: TransportSettings,
	stop: RateLimitStop,
	flowId: string | undefined,
): NodeApiError {
	const seconds = (ms: number) => Math.round(ms / 1000);
	const what =
		stop.waitedMs + stop.askedMs > settings.maxRateLimitWaitMs
			? `INVERS asked to wait ${seconds(stop.askedMs)} s before the next request; the node waits at most ${seconds(settings.maxRateLimitWaitMs)} s per request, so it stopped at once${stop.waitedMs > 0 ? ` (it had waited ${seconds(stop.waitedMs)} s already)` : ''}.`
			: `Got ${stop.answers} "too many requests" answers and waited ${seconds(stop.waitedMs)} s for the rate limit; the node waits out at most ${settings.maxRateLimitRetries} per request.`;
	return new NodeApiError(
		context.getNode(),
		{ status: 429, request: `${request.method} ${request.path}`, flow_id: flowId ?? null },
		{
			message: 'The INVERS OneAPI rate limit stayed exceeded',
			description: `${what} Send fewer requests at once (lower the parallelism or add a Wait node) or ask INVERS for a higher limit.${flowId ? ` Flow ID: ${flowId}` : ''}`,
			httpCode: '429',
			itemIndex: request.itemIndex,
		},
	);
}

export async function oneApiRequest<T = unknown>(
	this: OneApiContext,
	request: OneApiRequest,
): Promise<OneApiResponse<T>> {
	const settings = contextSettings.get(this) ?? DEFAULT_TRANSPORT_SETTINGS;
	// A credential that cannot be used fails before anything is sent.
	const { baseUrl, clientKey, credentials, secrets } = await connection(this).catch(
		(error: Error) => {
			throw recordRequestOutcome(error, { mayHaveRun: false, earlierAttemptMayHaveRun: false });
		},
	);
	const gate = rateLimitGateFor(clientKey);
	const idempotent =
		request.idempotent ?? ['GET', 'HEAD', 'PUT', 'DELETE'].includes(request.method);
	const failedRequest: FailedRequest = {
		method: request.method,
		path: request.path,
		isCommand: request.isCommand,
		subject: request.subject,
		command: request.command,
		itemIndex: request.itemIndex,
	};
	const expectedBody =
		request.expect ??
		(request.method === 'DELETE' || request.method === 'PATCH' ? 'objectOrNothing' : 'object');
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: request.body,
		headers: { Accept: 'application/json, application/problem+json', ...request.headers },
		json: true,
		returnFullResponse: true,
		timeout: settings.timeoutMs,
		// The OneAPI answers, it does not redirect: a redirect means a wrong Base URL, and following
		// it would send the token to another address. Not following also spares n8n's redirect
		// layer on every request (about a tenth of the time of paging through a fleet).
		disableFollowRedirect: true,
	};

	// Whether an attempt may have been carried out, for the error thrown at the end: batch reports
	// and a Remove whose retry found the vehicle gone need to know. Reads change nothing.
	const hasEffect = request.method !== 'GET' && request.method !== 'HEAD';
	let earlierAttemptMayHaveRun = false;
	const settle = <E extends object>(error: E, mayHaveRun: boolean) =>
		recordRequestOutcome(error, {
			mayHaveRun: hasEffect && mayHaveRun,
			earlierAttemptMayHaveRun: hasEffect && earlierAttemptMayHaveRun,
		});

	let rateLimitWaitedMs = 0;
	let rateLimitAnswers = 0;
	for (let attempt = 0; ; attempt++) {
		rateLimitWaitedMs += await gate.acquire(settings.maxRateLimitWaitMs - rateLimitWaitedMs);
		let answer: { body: T; statusCode: number; headers: Record<string, string> } | undefined;
		let failure: HttpFailure | undefined;
		try {
			const response = (await withCredential(credentials, async (credentialsDecrypted) =>
				this.helpers.httpRequestWithAuthentication.call(
					this,
					CREDENTIAL_TYPE,
					{ ...options, headers: { ...options.headers } },
					credentialsDecrypted && { credentialsDecrypted },
				),
			)) as { body: T; statusCode: number; headers: unknown };
			answer = {
				body: response.body,
				statusCode: response.statusCode,
				headers: lowerCaseHeaders(response.headers),
			};
			gate.observe(answer.headers);
		} catch (error) {
			const tokenError = findTokenRequestError(error);
			failure = readHttpFailure(error);
			if (tokenError || failure.status === 401) forgetConnection(this);
			if (tokenError) {
				throw settle(
					new NodeApiError(
						this.getNode(),
						{ request: 'access token' },
						{
							message: 'Could not get an access token from INVERS',
							description: tokenError.message,
							itemIndex: request.itemIndex,
						},
					),
					false,
				);
			}
			gate.observe(failure.headers);
		} finally {
			gate.release();
		}

		if (answer) {
			// A 2xx that is not what the operation reads (a proxy's web page, an empty body) is
			// an error, never output: not retried either, the same proxy would answer again.
			if (!bodyIsExpected(answer.body, expectedBody)) {
				// A success status: the request was accepted and may have taken effect.
				const shown = {
					statusCode: answer.statusCode,
					headers: scrubValue(answer.headers, secrets()) as Record<string, string>,
					body: scrubValue(answer.body, secrets()),
				};
				throw settle(unexpectedBodyError(this.getNode(), shown, failedRequest, expectedBody), true);
			}
			return {
				...answer,
				flowId: answer.headers[FLOW_ID_HEADER],
				etag: answer.headers.etag,
			};
		}
		// Whatever the answer says reaches errors and items only with the credential's secrets out.
		failure = scrubFailure(failure as HttpFailure, secrets());
		const flowId = failure.headers[FLOW_ID_HEADER];
		if (failure.status === 429) {
			// A 429 was not executed: every request, commands included, may wait and go again, a
			// bounded number of times (an API answering "retry after 0 s" must not be hammered).
			rateLimitAnswers++;
			const delay = retryDelayMs(failure.headers);
			gate.exhaustedUntil(Date.now() + delay);
			if (
				rateLimitAnswers > settings.maxRateLimitRetries ||
				rateLimitWaitedMs + delay > settings.maxRateLimitWaitMs
			) {
				throw settle(
					rateLimitExceededError(
						this,
						failedRequest,
						settings,
						{ answers: rateLimitAnswers, waitedMs: rateLimitWaitedMs, askedMs: delay },
						flowId,
					),
					false,
				);
			}
			await sleep(delay);
			rateLimitWaitedMs += delay;
			continue;
		}
		const transient = isTransientStatus(failure.status) || isNetworkFailure(failure);
		const safeToRepeat = idempotent || failedBeforeSending(failure);
		// No answer after sending, a 5xx, a redirect: INVERS may have carried the request out.
		const mayHaveRun =
			failure.status === undefined
				? !failedBeforeSending(failure)
				: failure.status >= 500 || (failure.status >= 300 && failure.status < 400);
		if (transient && safeToRepeat && attempt < settings.maxRetries) {
			earlierAttemptMayHaveRun ||= mayHaveRun;
			await sleep(backoffMs(attempt, settings.retryBaseDelayMs));
			continue;
		}
		throw settle(
			withFailure(problemToNodeApiError(this.getNode(), failure, failedRequest, flowId), failure),
			mayHaveRun,
		);
	}
}

export interface Page {
	items: IDataObject[];
	flowId?: string;
}

/**
 * Cursor pagination as an async iterator of pages: a caller holds one page at a time, so walking
 * a fleet of any size needs memory for one page only. Each page asks for a size INVERS accepts
 * (see pageSize.ts) and never for more than `maxItems` still need. A token handed out again, or
 * empty pages without end, is an error (pagingGuard.ts): never a list that only looks complete.
 */
export async function* paginate(
	this: OneApiContext,
	request: Omit<OneApiRequest, 'method'> & { pageSize?: number; maxItems?: number },
): AsyncGenerator<Page> {
	const { pageSize, maxItems, ...pageRequest } = request;
	let pageToken: string | undefined;
	let received = 0;
	const guard = new PagingGuard('vehicle list');
	do {
		const token = pageToken;
		const sizing: PageSizing = { explicit: pageSize, itemIndex: request.itemIndex };
		if (maxItems !== undefined) sizing.wanted = maxItems - received;
		const response = await requestListPage(this, sizing, async (limit) => {
			const qs: IDataObject = { ...pageRequest.qs, [listQuery.limit]: limit };
			if (token) qs[listQuery.pageToken] = token;
			return await oneApiRequest.call(this, { ...pageRequest, method: 'GET', qs, expect: 'list' });
		});
		const items = readItems(response.body) as IDataObject[];
		received += items.length;
		yield { items, flowId: response.flowId };
		if (maxItems !== undefined && received >= maxItems) break;
		pageToken = readNextPageToken(response.body);
		try {
			guard.pageRead(items.length, pageToken);
		} catch (error) {
			throw pagingError(this, error as ListPagingError, pageRequest, response.flowId);
		}
	} while (pageToken);
}

function pagingError(
	context: OneApiContext,
	error: ListPagingError,
	request: Omit<OneApiRequest, 'method'>,
	flowId: string | undefined,
): NodeApiError {
	return new NodeApiError(
		context.getNode(),
		{ request: `GET ${request.path}`, page: error.page, flow_id: flowId ?? null },
		{
			message: error.message,
			description: `${error.description}${flowId ? ` Flow ID of page ${error.page}: ${flowId}` : ''}`,
			itemIndex: request.itemIndex,
		},
	);
}
