/**
 * A TCP relay in front of a local server, for tests and benchmarks: it counts the connections a
 * client opens (and how many are open at once), optionally terminates TLS (counting handshakes),
 * and optionally holds each direction for half a round trip, as a network would. Connections made
 * through it are byte for byte the client's: keep-alive, TLS and compression pass unchanged.
 */
import type { AddressInfo, Server, Socket } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';

export interface RelayOptions {
	/** Terminate TLS with this key and certificate, and relay plain bytes to the target. */
	tls?: { key: string; cert: string };
	/**
	 * Round-trip time to emulate: every chunk is held half of it in each direction, and a new
	 * connection's first bytes one round trip more (the TCP handshake a local connect skips).
	 */
	rttMs?: number;
}

export interface RelayStats {
	/** Connections clients opened. */
	connections: number;
	/** Open now. */
	open: number;
	/** The most open at once. */
	maxOpen: number;
	/** TLS handshakes completed (with `tls`), and of those, resumed sessions. */
	handshakes: number;
	resumed: number;
	/** Bytes sent to clients. */
	bytesToClients: number;
}

export interface Relay {
	readonly port: number;
	readonly stats: RelayStats;
	/** Ends every open connection now (the server side going away). */
	dropConnections(): void;
	/** Changes the emulated round trip for every chunk from now on. */
	setRttMs(rttMs: number): void;
	close(): Promise<void>;
}

/** Sends chunks on after `holdMs()` each, in order; the first one `firstExtraMs()` later still. */
function delayedWriter(target: Socket, holdMs: () => number, firstExtraMs: () => number) {
	let lastAt = 0;
	let first = true;
	return {
		write(chunk: Buffer | undefined) {
			const now = Date.now();
			const at = Math.max(now + holdMs() + (first ? firstExtraMs() : 0), lastAt);
			first = false;
			lastAt = at;
			const deliver = () => {
				if (target.destroyed) return;
				if (chunk === undefined) target.end();
				else target.write(chunk);
			};
			if (at <= now) deliver();
			else setTimeout(deliver, at - now);
		},
	};
}

export async function startRelay(targetPort: number, options: RelayOptions = {}): Promise<Relay> {
	const stats: RelayStats = {
		connections: 0,
		open: 0,
		maxOpen: 0,
		handshakes: 0,
		resumed: 0,
		bytesToClients: 0,
	};
	const sockets = new Set<Socket>();
	let holdMs = (options.rttMs ?? 0) / 2;
	let handshakeMs = options.rttMs ?? 0;

	const relay = (client: Socket) => {
		sockets.add(client);
		const upstream = net.connect(targetPort, '127.0.0.1');
		sockets.add(upstream);
		const toUpstream = delayedWriter(
			upstream,
			() => holdMs,
			() => handshakeMs,
		);
		const toClient = delayedWriter(
			client,
			() => holdMs,
			() => 0,
		);
		client.on('data', (chunk: Buffer) => toUpstream.write(chunk));
		client.on('end', () => toUpstream.write(undefined));
		upstream.on('data', (chunk: Buffer) => {
			stats.bytesToClients += chunk.length;
			toClient.write(chunk);
		});
		upstream.on('end', () => toClient.write(undefined));
		const closeBoth = () => {
			client.destroy();
			upstream.destroy();
		};
		client.on('error', closeBoth);
		upstream.on('error', closeBoth);
		client.on('close', () => {
			sockets.delete(client);
			upstream.destroy();
		});
		upstream.on('close', () => {
			sockets.delete(upstream);
			// The server closed: the client learns it after the bytes before it arrived.
			setTimeout(() => client.destroy(), holdMs + 1);
		});
	};

	let server: Server;
	const counted = (socket: Socket) => {
		stats.connections++;
		stats.open++;
		stats.maxOpen = Math.max(stats.maxOpen, stats.open);
		sockets.add(socket);
		socket.on('close', () => {
			sockets.delete(socket);
			stats.open--;
		});
		return socket;
	};
	if (options.tls) {
		const tlsServer = tls.createServer({ ...options.tls }, (socket) => {
			stats.handshakes++;
			if (socket.isSessionReused()) stats.resumed++;
			relay(socket);
		});
		// Counted when TCP connects, before (and whether or not) TLS completes.
		tlsServer.on('connection', (socket: Socket) => counted(socket));
		server = tlsServer;
	} else {
		server = net.createServer((socket) => relay(counted(socket)));
	}
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as AddressInfo).port,
		stats,
		dropConnections() {
			for (const socket of sockets) socket.destroy();
		},
		setRttMs(rttMs: number) {
			holdMs = rttMs / 2;
			handshakeMs = rttMs;
		},
		close() {
			for (const socket of sockets) socket.destroy();
			return new Promise((resolve) => server.close(() => resolve()));
		},
	};
}
