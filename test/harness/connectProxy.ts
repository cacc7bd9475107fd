/**
 * A real HTTP proxy on 127.0.0.1, as a company network puts in front of the internet: CONNECT
 * tunnels for https (the proxy sees only the target and encrypted bytes) and forwarding of plain
 * http requests sent to it with their whole URL. It can demand a user and password (407 without
 * them) and counts what it did.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import net from 'node:net';

export interface ProxyStats {
	/** CONNECT tunnels opened, by target (`host:port`). */
	tunnels: string[];
	/** Plain http requests forwarded, by URL. */
	forwarded: string[];
	/** Requests refused for a missing or wrong Proxy-Authorization. */
	refused: number;
}

export interface TestProxy {
	/** `http://127.0.0.1:<port>`, with the user and password when the proxy demands them. */
	readonly url: string;
	readonly stats: ProxyStats;
	close(): Promise<void>;
}

export async function startConnectProxy(login?: {
	user: string;
	password: string;
}): Promise<TestProxy> {
	const stats: ProxyStats = { tunnels: [], forwarded: [], refused: 0 };
	const expected = login
		? `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}`
		: undefined;
	const sockets = new Set<Socket>();
	const allowed = (headers: http.IncomingHttpHeaders) =>
		!expected || headers['proxy-authorization'] === expected;

	const server = http.createServer((req, res) => {
		if (!allowed(req.headers)) {
			stats.refused++;
			res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"' }).end();
			return;
		}
		const target = new URL(req.url ?? '');
		stats.forwarded.push(target.href);
		const headers = { ...req.headers };
		delete headers['proxy-authorization'];
		const upstream = http.request(
			{
				host: target.hostname,
				port: target.port,
				method: req.method,
				path: `${target.pathname}${target.search}`,
				headers,
			},
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
		if (!allowed(req.headers)) {
			stats.refused++;
			client.end(
				'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n',
			);
			return;
		}
		const [host, port] = (req.url ?? '').split(':');
		stats.tunnels.push(req.url ?? '');
		const upstream = net.connect(Number(port), host === 'localhost' ? '127.0.0.1' : host, () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			if (head.length > 0) upstream.write(head);
			upstream.pipe(client);
			client.pipe(upstream);
		});
		sockets.add(upstream);
		upstream.on('close', () => sockets.delete(upstream));
		upstream.on('error', () => client.destroy());
		client.on('error', () => upstream.destroy());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const auth = login
		? `${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@`
		: '';
	return {
		url: `http://${auth}127.0.0.1:${port}`,
		stats,
		close() {
			for (const socket of sockets) socket.destroy();
			return new Promise((resolve) => server.close(() => resolve()));
		},
	};
}
