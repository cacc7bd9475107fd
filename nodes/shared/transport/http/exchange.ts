import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

import { sleep } from 'n8n-workflow';

import type { ClientFailure } from './clientError';
import { HttpClientError, isCertificateProblem } from './clientError';
import { isConnected } from './pool';
import { proxyAuthorization } from './tunnel';

/**
 * One request and its whole answer over a pool's connections. The timeout bounds everything:
 * waiting for a connection, the handshakes, the headers and the body; an answer that breaks off
 * or stalls after its status line fails naming that status, so that the transport can say a
 * write reached INVERS and retry a read. Answers are asked for compressed and decoded here.
 */

export interface WireRequest {
	method: string;
	/** The full URL, query included. */
	url: URL;
	headers: Record<string, string>;
	body?: Buffer;
	timeoutMs: number;
	/** Cancels the request (n8n cancels a running execution with it). */
	cancel?: AbortSignal;
}

export interface WireAnswer {
	statusCode: number;
	headers: Record<string, string>;
	/** Parsed JSON when the answer is JSON, else its text ('' for none). */
	body: unknown;
}

/** What the client accepts, in this order of preference by the server's choice. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

type Decompress = (bytes: Buffer, done: (error: Error | null, result: Buffer) => void) => void;

function decompressed(method: Decompress, bytes: Buffer): Promise<Buffer> {
	return new Promise((resolve, reject) =>
		method(bytes, (error, result) => (error ? reject(error) : resolve(result))),
	);
}

/**
 * The body in plain bytes, decoded off the main thread. An empty body needs no decoding (a 204
 * may carry the encoding header of its gateway); an encoding that was not asked for is an error.
 */
async function decode(bytes: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
	const encoding = (contentEncoding ?? '').trim().toLowerCase();
	if (bytes.length === 0) return bytes;
	switch (encoding) {
		case '':
		case 'identity':
			return bytes;
		case 'gzip':
		case 'x-gzip':
		case 'deflate':
			// Unzip reads both the gzip and the zlib wrapping ("deflate" means the latter).
			return await decompressed(zlib.unzip, bytes);
		case 'br':
			return await decompressed(zlib.brotliDecompress, bytes);
		default:
			throw new Error(`it came in the encoding "${encoding}", which was not asked for`);
	}
}

function flatHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
	const result: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return result;
}

/** The body as JSON when it parses, else as text, as n8n's request helper returns it. */
function parseBody(bytes: Buffer): unknown {
	const text = bytes.toString('utf8');
	if (text === '') return '';
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

export interface Route {
	agent: http.Agent;
	/** Plain http through a proxy: the request goes to the proxy with the whole URL. */
	forwardProxy?: URL;
}

export function exchange(route: Route, wire: WireRequest): Promise<WireAnswer> {
	return new Promise<WireAnswer>((resolve, reject) => {
		const { url } = wire;
		const proxy = route.forwardProxy;
		const headers = { ...wire.headers };
		const authorization = proxy && proxyAuthorization(proxy);
		if (authorization) headers['Proxy-Authorization'] = authorization;
		if (wire.body) headers['Content-Length'] = String(wire.body.length);
		const endpoint = proxy ?? url;
		const request = (url.protocol === 'https:' ? https : http).request({
			agent: route.agent,
			method: wire.method,
			host: endpoint.hostname.replace(/^\[|\]$/g, ''),
			port: Number(endpoint.port) || (endpoint.protocol === 'https:' ? 443 : 80),
			path: proxy ? url.href : `${url.pathname}${url.search}`,
			headers,
		});

		let statusSeen: number | undefined;
		let settled = false;
		const deadline = new AbortController();
		const finish = () => {
			settled = true;
			deadline.abort();
			wire.cancel?.removeEventListener('abort', onCancel);
		};
		const fail = (
			message: string,
			failure: Omit<ClientFailure, 'notSent' | 'statusSeen'>,
			answerComplete = false,
		) => {
			if (settled) return;
			const notSent = statusSeen === undefined && !isConnected(request.socket);
			finish();
			// A complete answer leaves its connection fit for the next request; anything else does not.
			if (!answerComplete) request.destroy();
			reject(new HttpClientError(message, { ...failure, statusSeen, notSent }));
		};
		const onCancel = () =>
			fail('The execution was cancelled while the request ran', {
				code: 'ECANCELED',
				permanent: true,
			});

		sleep(wire.timeoutMs, deadline.signal).then(
			() =>
				fail(
					statusSeen === undefined
						? `No answer within ${wire.timeoutMs} ms`
						: `The answer was still arriving after ${wire.timeoutMs} ms (status ${statusSeen})`,
					{ code: 'ETIMEDOUT' },
				),
			() => undefined,
		);
		if (wire.cancel?.aborted) return onCancel();
		wire.cancel?.addEventListener('abort', onCancel, { once: true });

		request.on('error', (error: Error & { code?: string }) => {
			if (error instanceof HttpClientError) {
				return fail(error.message, { ...error.failure });
			}
			const code = error.code;
			if (isCertificateProblem(code)) {
				return fail(`The TLS certificate of ${url.host} is not trusted (${code})`, {
					code,
					permanent: true,
				});
			}
			if (!code) {
				// No network code: n8n's outbound network policy or a setting refused the address.
				return fail(error.message, { permanent: true });
			}
			fail(`${code} on the connection to ${url.host}`, { code });
		});

		request.once('response', (response) => {
			statusSeen = response.statusCode ?? 0;
			const status = statusSeen;
			const responseHeaders = flatHeaders(response.headers);
			const chunks: Buffer[] = [];
			const answered = (body: unknown) => {
				if (settled) return;
				if (status >= 300) {
					const failure = { response: { status, headers: responseHeaders, body } };
					return fail(`HTTP ${status}`, failure, true);
				}
				finish();
				resolve({ statusCode: status, headers: responseHeaders, body });
			};
			const lost = (reason: string) => {
				// For an error status the status is what counts, with whatever of its body came.
				if (status >= 300) {
					const body = parseBody(Buffer.concat(chunks));
					return fail(`HTTP ${status}`, { response: { status, headers: responseHeaders, body } });
				}
				fail(`The answer broke off after status ${status} (${reason})`, { code: 'ECONNRESET' });
			};
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('error', (error: Error & { code?: string }) => lost(error.code ?? error.message));
			response.once('close', () => {
				if (!response.complete) lost('the connection closed');
			});
			response.once('end', () => {
				decode(Buffer.concat(chunks), responseHeaders['content-encoding']).then(
					(bytes) => answered(parseBody(bytes)),
					(error: Error) =>
						status >= 300 ? answered('') : fail(error.message, { code: 'EBADENCODING' }),
				);
			});
		});

		request.end(wire.body);
	});
}
