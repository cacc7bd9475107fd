import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
}

/**
 * A second local HTTP server that records every request it receives and answers like a token
 * endpoint would: the place a redirect points to, to prove that nothing (no client secret, no
 * token) ever reaches it.
 */
export class RecordingServer {
	readonly requests: RecordedRequest[] = [];

	private server?: Server;

	url = '';

	async start(host = '127.0.0.1'): Promise<this> {
		this.server = createServer((req, res) => {
			this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
			req.resume();
			res.writeHead(200, { 'Content-Type': 'application/json' });
			res.end(JSON.stringify({ access_token: 'token-from-elsewhere', expires_in: 900, items: [] }));
		});
		await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
		const { port } = this.server.address() as AddressInfo;
		this.url = `http://${host}:${port}`;
		return this;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
	}
}
