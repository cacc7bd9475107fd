import http from 'node:http';
import https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

import { HttpClientError } from './clientError';
import { openTunnel } from './tunnel';

/**
 * Kept-alive connections to the OneAPI, one pool per Base URL, credential and proxy. n8n's request
 * helper opens a new connection (TCP and TLS handshakes, then a fresh connection's small send
 * window) for every request; over a real network that costs several round trips per page of a
 * fleet and per command. A pool keeps up to `poolLimits.socketsPerPool` connections open and
 * closes each one that stays unused for `poolLimits.idleSocketMs`: shorter than the 5 s idle time
 * common servers allow, so that a request rarely meets a connection the server is closing. Pools
 * themselves are bounded in number; the least recently used one is closed to make room.
 */

export const poolLimits = {
	/** The largest parallelism the nodes offer (Parallel Commands): more requests wait their turn. */
	socketsPerPool: 50,
	/** Unused connections a pool keeps; more are closed when their request ends. */
	idleSocketsPerPool: 10,
	idleSocketMs: 4_000,
	pools: 20,
};

/** Sockets whose connection to the API (or, for plain http through a proxy, to the proxy) stands. */
const readySockets = new WeakSet<object>();

/** Whether the request's socket had its connection made: before that, nothing can have been sent. */
export function isConnected(socket: object | null | undefined): boolean {
	return !!socket && readySockets.has(socket);
}

function markWhenReady(socket: Duplex, event: 'connect' | 'secureConnect'): void {
	socket.once(event, () => readySockets.add(socket));
}

export interface ConnectionPolicy {
	/** n8n's outbound network policy (SSRF protection) for DNS answers, when it is on. */
	lookup?: LookupFunction;
	/** n8n's outbound network policy for the host itself (an IP address sees no DNS lookup). */
	checkHost?: (host: string) => Error | undefined;
}

function agentOptions(policy: ConnectionPolicy): https.AgentOptions {
	return {
		keepAlive: true,
		maxSockets: poolLimits.socketsPerPool,
		maxFreeSockets: poolLimits.idleSocketsPerPool,
		// For a kept-alive agent this closes a connection unused for so long.
		timeout: poolLimits.idleSocketMs,
		scheduling: 'lifo',
		...(policy.lookup && { lookup: policy.lookup }),
	};
}

/**
 * Asks the policy whether the connection's host may be reached; a refusal goes to the agent's
 * callback, so the request fails with it before a socket is opened.
 */
function refusedHost(
	policy: ConnectionPolicy,
	options: http.ClientRequestArgs,
	callback?: (error: Error | null, stream: Duplex) => void,
): boolean {
	const refused = policy.checkHost?.(String(options.host ?? options.hostname ?? ''));
	if (!refused) return false;
	callback?.(refused, undefined as unknown as Duplex);
	return true;
}

/** https straight to the API. */
class DirectHttpsAgent extends https.Agent {
	constructor(private readonly policy: ConnectionPolicy) {
		super(agentOptions(policy));
	}

	createConnection(
		options: https.RequestOptions,
		callback?: (error: Error | null, stream: Duplex) => void,
	): Duplex | null | undefined {
		if (refusedHost(this.policy, options, callback)) return undefined;
		const socket = super.createConnection(options) as Duplex;
		markWhenReady(socket, 'secureConnect');
		return socket;
	}
}

/** https through a proxy: a CONNECT tunnel per connection, TLS to the API inside it. */
class TunnelHttpsAgent extends https.Agent {
	constructor(
		private readonly proxy: URL,
		policy: ConnectionPolicy,
	) {
		super(agentOptions(policy));
	}

	createConnection(
		options: https.RequestOptions,
		callback?: (error: Error | null, stream: Duplex) => void,
	): Duplex | null | undefined {
		const done = callback ?? (() => undefined);
		const host = String(options.host ?? options.hostname ?? '').replace(/^\[|\]$/g, '');
		const port = Number(options.port) || 443;
		openTunnel(this.proxy, host, port, (error, raw) => {
			if (error || !raw) {
				done(error ?? new Error('no tunnel'), undefined as unknown as Duplex);
				return;
			}
			const socket = tls.connect({ ...(options as tls.ConnectionOptions), socket: raw as Socket });
			markWhenReady(socket, 'secureConnect');
			done(null, socket);
		});
		return undefined;
	}
}

/** Plain http, to the API (this machine, or a test setup) or to the proxy that forwards it. */
class PlainHttpAgent extends http.Agent {
	constructor(private readonly policy: ConnectionPolicy) {
		super(agentOptions(policy));
	}

	createConnection(
		options: http.ClientRequestArgs,
		callback?: (error: Error | null, stream: Duplex) => void,
	): Duplex | undefined {
		if (refusedHost(this.policy, options, callback)) return undefined;
		const socket = super.createConnection(options) as Duplex;
		markWhenReady(socket, 'connect');
		return socket;
	}
}

interface Pool {
	agent: http.Agent;
	active: number;
	lastUsed: number;
	/** Dropped from the map while requests ran on it: closed when the last one ends. */
	retired: boolean;
}

/** By key, least recently used first (a Map keeps insertion order; use moves a pool to the end). */
const pools = new Map<string, Pool>();

export interface PoolRoute {
	/** The API's origin, e.g. https://api.invers.com. */
	origin: URL;
	/** The proxy the connections go through, if any. */
	proxy?: URL;
}

function createAgent(route: PoolRoute, policy: ConnectionPolicy): http.Agent {
	if (route.origin.protocol === 'https:') {
		return route.proxy ? new TunnelHttpsAgent(route.proxy, policy) : new DirectHttpsAgent(policy);
	}
	// Plain http through a proxy is sent to the proxy, which forwards it (as n8n does): the
	// connections go to the proxy, and n8n's policy does not judge the proxy n8n was given.
	return new PlainHttpAgent(route.proxy ? {} : policy);
}

function close(pool: Pool): void {
	pool.agent.destroy();
}

function retire(key: string, pool: Pool): void {
	pools.delete(key);
	if (pool.active === 0) close(pool);
	else pool.retired = true;
}

/** A pool that stayed unused for a minute has no connections left: forget it. */
const FORGET_POOL_AFTER_MS = 60_000;

function forgetUnusedPools(now: number): void {
	for (const [key, pool] of pools) {
		if (pool.active === 0 && now - pool.lastUsed > FORGET_POOL_AFTER_MS) retire(key, pool);
	}
}

export interface Lease {
	agent: http.Agent;
	release(): void;
}

/** The pool for `key`, created on first use; `release()` when the request has ended. */
export function leasePool(key: string, route: PoolRoute, policy: () => ConnectionPolicy): Lease {
	const now = Date.now();
	forgetUnusedPools(now);
	let pool = pools.get(key);
	if (pool) pools.delete(key);
	else pool = { agent: createAgent(route, policy()), active: 0, lastUsed: now, retired: false };
	pools.set(key, pool);
	while (pools.size > poolLimits.pools) {
		const [oldestKey, oldest] = pools.entries().next().value as [string, Pool];
		retire(oldestKey, oldest);
	}
	const leased = pool;
	leased.active++;
	let released = false;
	return {
		agent: leased.agent,
		release() {
			if (released) return;
			released = true;
			leased.active--;
			leased.lastUsed = Date.now();
			if (leased.retired && leased.active === 0) close(leased);
		},
	};
}

/** How many pools are open (for tests and benchmarks). */
export function openPoolCount(): number {
	return pools.size;
}

/** Closes every pool and its connections (tests; a process that ends needs nothing of this). */
export function closeAllPools(): void {
	for (const [key, pool] of pools) retire(key, pool);
}

/** An error of the connection policy, as the transport reports it. */
export function policyRefusal(host: string, error: Error): HttpClientError {
	return new HttpClientError(`n8n's outbound network policy refused ${host}: ${error.message}`, {
		notSent: true,
		permanent: true,
	});
}
