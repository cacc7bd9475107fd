import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';

import { HttpClientError } from './clientError';
import { describeProxy } from './proxyFor';

/** `Proxy-Authorization` for a proxy URL with user and password (percent-decoded, as n8n does). */
export function proxyAuthorization(proxy: URL): string | undefined {
	if (proxy.username === '' && proxy.password === '') return undefined;
	const user = decodeURIComponent(proxy.username);
	const password = decodeURIComponent(proxy.password);
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** How long a CONNECT may wait for the proxy's answer without a byte coming. */
const TUNNEL_IDLE_MS = 60_000;

/**
 * Opens a tunnel to `host:port` through an http:// or https:// proxy with CONNECT, as n8n's
 * request helper does for https URLs. The socket it calls back with carries the bytes to the
 * target: TLS to the API runs inside it, so the proxy sees neither the token nor the answers.
 */
export function openTunnel(
	proxy: URL,
	host: string,
	port: number,
	done: (error: Error | null, socket?: Socket) => void,
): void {
	const authorization = proxyAuthorization(proxy);
	const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
	const headers: Record<string, string> = { Host: target };
	if (authorization) headers['Proxy-Authorization'] = authorization;
	const request = (proxy.protocol === 'https:' ? https : http).request({
		method: 'CONNECT',
		host: proxy.hostname.replace(/^\[|\]$/g, ''),
		port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
		path: target,
		headers,
		agent: false,
	});
	let finished = false;
	const finish = (error: Error | null, socket?: Socket) => {
		if (finished) return;
		finished = true;
		done(error, socket);
	};
	request.once('connect', (response, socket, head) => {
		if (response.statusCode !== 200) {
			socket.destroy();
			finish(
				new HttpClientError(
					`The proxy ${describeProxy(proxy)} refused the tunnel to ${target} (HTTP ${response.statusCode}${response.statusCode === 407 ? ': the proxy wants a user and password in HTTPS_PROXY' : ''})`,
					{ code: 'EPROXY', notSent: true, permanent: response.statusCode === 407 },
				),
			);
			return;
		}
		// Bytes the proxy sent after its answer belong to the tunnel (a server speaking first).
		if (head.length > 0) socket.unshift(head);
		finish(null, socket);
	});
	request.on('error', (error: Error & { code?: string }) =>
		finish(
			new HttpClientError(
				`Could not reach the proxy ${describeProxy(proxy)} (${error.code ?? error.message})`,
				{ code: error.code ?? 'EPROXY', notSent: true },
			),
		),
	);
	// A proxy that never answers must not hold a connection attempt forever: the request waiting
	// for it has given up at its own Timeout long before.
	request.setTimeout(TUNNEL_IDLE_MS, () =>
		request.destroy(Object.assign(new Error('no answer from the proxy'), { code: 'ETIMEDOUT' })),
	);
	request.end();
}
