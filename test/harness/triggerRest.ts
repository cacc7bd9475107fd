import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A minimal OneAPI for the trigger's enrichment and credential tests: the token endpoint (Basic
 * auth) and `GET /vehicles/{id}`. Vehicle `BROKEN` answers 500. Counts vehicle requests.
 */
export interface MiniOneApi {
	url: string;
	vehicleRequests: string[];
	/** Changes what `GET /vehicles/{id}` answers from now on. */
	setPlate(vehicleId: string, plate: string): void;
	close(): Promise<void>;
}

export const CLIENT_ID = 'demo#client';
export const CLIENT_SECRET = 'demo-secret';

export async function startMiniOneApi(): Promise<MiniOneApi> {
	const vehicleRequests: string[] = [];
	const plates = new Map<string, string>();
	const server = http.createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://x');
		const send = (status: number, body: unknown) => {
			response.writeHead(status, { 'content-type': 'application/json' });
			response.end(JSON.stringify(body));
		};
		if (request.method === 'POST' && url.pathname === '/auth/oauth/token') {
			const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
			if (request.headers.authorization !== expected) {
				send(401, { type: '/problems/invalid-credentials', status: 401 });
				return;
			}
			send(200, { access_token: 'token-1', token_type: 'bearer', expires_in: 900 });
			return;
		}
		if (request.method === 'GET' && url.pathname === '/vehicles') {
			const allowed = request.headers.authorization === 'Bearer token-1';
			send(allowed ? 200 : 401, allowed ? { items: [] } : { status: 401 });
			return;
		}
		const match = /^\/vehicles\/([^/]+)$/.exec(url.pathname);
		if (request.method === 'GET' && match) {
			if (request.headers.authorization !== 'Bearer token-1') {
				send(401, { type: '/problems/invalid-credentials', status: 401 });
				return;
			}
			const id = decodeURIComponent(match[1]);
			vehicleRequests.push(id);
			if (id === 'BROKEN') {
				send(500, { type: '/problems/internal-server-error', status: 500 });
				return;
			}
			send(200, { id, master_data: { license_plate: plates.get(id) ?? `M-${id}` } });
			return;
		}
		send(404, { type: '/problems/resource-not-found', status: 404 });
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/`,
		vehicleRequests,
		setPlate: (vehicleId, plate) => plates.set(vehicleId, plate),
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
