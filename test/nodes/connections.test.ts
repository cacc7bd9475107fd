/**
 * The package's kept-alive connections, against the simulator behind a relay that counts the
 * connections n8n opens: one connection serves a run and the runs after it, pools are bounded in
 * connections and in number, unused connections close, answers come compressed, and every
 * guarantee of the transport (no redirects, retries, 429 waits, timeouts, flow IDs, 401 renewal
 * with the token stored by n8n, no secrets in errors) holds over them.
 *
 * The credentials are "used": a first run stored a token with them, as n8n's database holds one
 * after a credential's first request. Their requests go over the kept connections.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { closeAllPools, openPoolCount, poolLimits } from '../../nodes/shared/transport/http/pool';
import { forgetAcceptedPageSizes } from '../../nodes/shared/transport/pageSize';
import { sendCounts } from '../../nodes/shared/transport/send';
import type { Simulator } from '../../simulator';
import { startSimulator } from '../../simulator';
import { management, vehicleById } from '../harness/params';
import type { Relay } from '../harness/relay';
import { startRelay } from '../harness/relay';
import { useSimulator } from '../harness/simulatorFixture';
import { runNode, TestCredentials } from '../harness/workflowRunner';
import { commandsFor, readyVehicles, sendCommandParameters } from './commandsTestKit';

const sim = useSimulator({ fleetSize: 450 });
let relay: Relay;
const defaults = { ...poolLimits };

beforeAll(async () => {
	relay = await startRelay(sim().port);
});

afterAll(async () => {
	closeAllPools();
	await relay.close();
});

beforeEach(() => {
	sim().faults.clear();
	sim().config.compression = undefined;
	sim().config.commandLatencyMs = 0;
});

afterEach(() => {
	closeAllPools();
	Object.assign(poolLimits, defaults);
	forgetAcceptedPageSizes();
});

const baseUrl = () => `http://127.0.0.1:${relay.port}`;

/** A credential whose token a first run stored (that run goes through n8n's request helper). */
async function usedCredentials(clientId = 'demo#client', clientSecret = 'demo-secret') {
	const credentials = new TestCredentials({ baseUrl: baseUrl(), clientId, clientSecret });
	const { error } = await get(credentials, sim().vehicleIds()[0]);
	expect(error).toBeUndefined();
	expect(credentials.data.accessToken).not.toBe('');
	closeAllPools();
	await settled();
	helperBaseline = sendCounts.n8nHelper;
	return credentials;
}

/** n8n's helper requests counted when the last used credential was made. */
let helperBaseline = 0;

/** Lets connections that are closing finish doing so (the relay counts them closed). */
const settled = () => new Promise((resolve) => setTimeout(resolve, 100));

function get(credentials: TestCredentials, id: string, options: IDataObject = {}) {
	return runNode({
		node: 'inversVehicleManagement',
		parameters: management('get', { vehicle: vehicleById(id), options } as INodeParameters),
		credentials,
	});
}

function getAll(credentials: TestCredentials) {
	return runNode({
		node: 'inversVehicleManagement',
		parameters: management('getMany', { returnAll: true }),
		credentials,
	});
}

function requestsTo(key: string, simulator: Simulator = sim()): number {
	return simulator.stats.requests[key] ?? 0;
}

/** Connections opened while `run` ran. */
async function connectionsFor<T>(run: () => Promise<T>): Promise<{ result: T; opened: number }> {
	const before = relay.stats.connections;
	const result = await run();
	return { result, opened: relay.stats.connections - before };
}

describe('connections are kept and reused', () => {
	test('a run pages through the fleet on one connection', async () => {
		const credentials = await usedCredentials();
		const pages = requestsTo('GET /vehicles');
		const { result, opened } = await connectionsFor(() => getAll(credentials));
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.id)).toEqual(sim().vehicleIds());
		expect(requestsTo('GET /vehicles') - pages).toBeGreaterThanOrEqual(5);
		expect(opened).toBe(1);
	});

	test('runs one after another keep using it', async () => {
		const credentials = await usedCredentials();
		const { opened } = await connectionsFor(async () => {
			for (let run = 0; run < 5; run++) {
				expect((await get(credentials, sim().vehicleIds()[run])).error).toBeUndefined();
			}
		});
		expect(opened).toBe(1);
	});

	test('parallel commands open at most the pool size of connections, and all are carried out', async () => {
		poolLimits.socketsPerPool = 3;
		const credentials = await usedCredentials();
		sim().config.commandLatencyMs = 150;
		const ids = readyVehicles(sim(), 'DRAW_ATTENTION', 8);
		relay.stats.maxOpen = relay.stats.open;
		const { items, error } = await runNode({
			node: 'inversVehicleCommands',
			typeVersion: 1,
			parameters: sendCommandParameters('={{ $json.id }}', 'DRAW_ATTENTION', {
				parallelCommands: 8,
			}),
			items: ids.map((id) => ({ id })),
			credentials,
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(8);
		expect(ids.every((id) => commandsFor(sim(), id).includes('DRAW_ATTENTION'))).toBe(true);
		expect(relay.stats.maxOpen).toBeLessThanOrEqual(3);
	});

	test('a connection left unused for the idle time is closed; the next request opens a new one', async () => {
		poolLimits.idleSocketMs = 300;
		const credentials = await usedCredentials();
		const openBefore = relay.stats.open;
		const { opened } = await connectionsFor(async () => {
			expect((await get(credentials, sim().vehicleIds()[1])).error).toBeUndefined();
			expect((await get(credentials, sim().vehicleIds()[2])).error).toBeUndefined();
			expect(relay.stats.open).toBe(openBefore + 1);
			await new Promise((resolve) => setTimeout(resolve, 800));
			expect(relay.stats.open).toBe(openBefore);
			expect((await get(credentials, sim().vehicleIds()[3])).error).toBeUndefined();
		});
		expect(opened).toBe(2);
	});

	test('pools are bounded in number: the least recently used one is closed with its connection', async () => {
		poolLimits.pools = 2;
		const clients = [
			await usedCredentials('demo#client', 'demo-secret'),
			await usedCredentials('readonly#client', 'readonly-secret'),
			await usedCredentials('nocommands#client', 'nocommands-secret'),
		];
		const openBefore = relay.stats.open;
		for (const credentials of clients.slice(0, 2)) {
			expect((await get(credentials, sim().vehicleIds()[3])).error).toBeUndefined();
		}
		expect(relay.stats.open).toBe(openBefore + 2);
		expect((await get(clients[2], sim().vehicleIds()[3])).error).toBeUndefined();
		await settled();
		expect(openPoolCount()).toBe(2);
		expect(relay.stats.open).toBe(openBefore + 2);
	});

	test('a command slower than the idle time still gets its answer over the kept connection', async () => {
		poolLimits.idleSocketMs = 300;
		const credentials = await usedCredentials();
		sim().config.commandLatencyMs = 1000;
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 16);
		const { error } = await runNode({
			node: 'inversVehicleCommands',
			typeVersion: 1,
			parameters: sendCommandParameters(id, 'DRAW_ATTENTION'),
			credentials,
		});
		expect(error).toBeUndefined();
		expect(commandsFor(sim(), id)).toEqual(['DRAW_ATTENTION']);
	});

	test('a search with spaces and symbols reaches the API as typed', async () => {
		const credentials = await usedCredentials();
		const id = sim().vehicleIds()[8];
		const name = 'Shuttle & Co 1+1';
		const update = await runNode({
			node: 'inversVehicleManagement',
			parameters: management('update', {
				vehicle: vehicleById(id),
				masterData: { custom_name: name },
			}),
			credentials,
		});
		expect(update.error).toBeUndefined();
		const { items, error } = await runNode({
			node: 'inversVehicleManagement',
			parameters: management('getMany', { returnAll: true, search: name }),
			credentials,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual([id]);
	});

	test('a connection the server closed while unused is replaced, for reads and for commands', async () => {
		const credentials = await usedCredentials();
		expect((await get(credentials, sim().vehicleIds()[4])).error).toBeUndefined();
		relay.dropConnections();
		await settled();
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 9);
		const before = requestsTo('POST /vehicles/:id/commands/:command');
		const { result, opened } = await connectionsFor(() =>
			runNode({
				node: 'inversVehicleCommands',
				typeVersion: 1,
				parameters: sendCommandParameters(id, 'DRAW_ATTENTION'),
				credentials,
			}),
		);
		expect(result.error).toBeUndefined();
		expect(requestsTo('POST /vehicles/:id/commands/:command') - before).toBe(1);
		expect(opened).toBe(1);
	});
});

describe('answers come compressed', () => {
	test.each(['gzip', 'deflate', 'br'] as const)(
		'%s: the whole fleet arrives, in a fraction of the bytes',
		async (encoding) => {
			const credentials = await usedCredentials();
			const plainBefore = relay.stats.bytesToClients;
			expect((await getAll(credentials)).error).toBeUndefined();
			const plainBytes = relay.stats.bytesToClients - plainBefore;
			sim().config.compression = encoding;
			const before = relay.stats.bytesToClients;
			const { items, error } = await getAll(credentials);
			const compressedBytes = relay.stats.bytesToClients - before;
			expect(error).toBeUndefined();
			expect(items.map((item) => item.json.id)).toEqual(sim().vehicleIds());
			expect(compressedBytes).toBeLessThan(plainBytes / 4);
		},
	);
});

describe('encodings an API may send anyway', () => {
	/** An API answering every request with `answer`, to a credential that holds a token. */
	async function oddApi(answer: (res: http.ServerResponse) => void) {
		const server = http.createServer((_req, res) => answer(res));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		const credentials = new TestCredentials({
			baseUrl: `http://127.0.0.1:${port}`,
			clientId: 'demo#client',
			clientSecret: 'demo-secret',
			accessToken: 'stored-token',
		});
		return { credentials, close: () => new Promise((resolve) => server.close(resolve)) };
	}

	test('a 204 with a Content-Encoding but no body is a success (a Remove)', async () => {
		const api = await oddApi((res) => res.writeHead(204, { 'Content-Encoding': 'gzip' }).end());
		try {
			const { items, error } = await runNode({
				node: 'inversVehicleLifecycle',
				parameters: { resource: 'vehicle', operation: 'remove', vehicle: vehicleById('JQ7RP') },
				credentials: api.credentials,
			});
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ vehicle_id: 'JQ7RP', removed: true });
		} finally {
			await api.close();
		}
	});

	test('a body in an encoding that was not asked for is an error naming it, never output', async () => {
		const api = await oddApi((res) =>
			res
				.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd' })
				.end('(zstd bytes)'),
		);
		try {
			const { error } = await get(api.credentials, 'JQ7RP');
			expect(error?.message).toEqual(
				expect.stringMatching(
					/^Reading vehicle JQ7RP failed \(the answer after status 200 could not be read: it came in the encoding "zstd", which was not asked for\)/,
				),
			);
			expect(error?.description).toContain(
				'the answer after status 200 could not be read: it came in the encoding "zstd", which was not asked for',
			);
		} finally {
			await api.close();
		}
	});
});

describe('the guarantees hold over kept-alive connections', () => {
	/** Requests a test expects through n8n's helper: a token renewal sends one. */
	let helperRequests = 0;
	beforeEach(() => {
		helperRequests = 0;
	});
	afterEach(() => {
		expect(sendCounts.n8nHelper - helperBaseline).toBe(helperRequests);
	});

	test('a redirect is not followed: nothing reaches its target, the error says to fix the Base URL', async () => {
		const credentials = await usedCredentials();
		const elsewhere = await startSimulator({ fleetSize: 1, port: 0 });
		try {
			sim().faults.add({
				kind: 'redirect',
				status: 307,
				location: `${elsewhere.url}/vehicles/x`,
				path: '^/vehicles/',
			});
			const before = requestsTo('GET /vehicles/:id');
			const { error } = await get(credentials, sim().vehicleIds()[5]);
			expect(error?.message).toEqual(
				expect.stringMatching(
					/failed \(the address answered with a redirect, HTTP 307\): set the credential's Base URL/,
				),
			);
			expect(error?.description).toContain(`was redirected to ${elsewhere.url}/vehicles/x.`);
			expect(elsewhere.stats.requests).toEqual({});
			expect(elsewhere.stats.tokenRequests).toBe(0);
			expect(requestsTo('GET /vehicles/:id') - before).toBe(1);
		} finally {
			await elsewhere.close();
		}
	});

	test('a gateway page is a clear error; reads were retried, within bounds', async () => {
		const credentials = await usedCredentials();
		sim().faults.add({ kind: 'html', status: 502, times: 10 });
		const before = requestsTo('GET /vehicles/:id');
		const { error } = await get(credentials, sim().vehicleIds()[5]);
		expect(error?.message).toMatch(/gateway answered 502 with a web page/);
		expect(requestsTo('GET /vehicles/:id') - before).toBe(4);
	});

	test('a 2xx that is not what the operation reads is an error naming status and content type', async () => {
		const credentials = await usedCredentials();
		sim().faults.add({
			kind: 'body',
			status: 200,
			body: '<html><body>Login</body></html>',
			contentType: 'text/html',
		});
		const { error } = await get(credentials, sim().vehicleIds()[5]);
		expect(error?.message).toEqual(
			expect.stringMatching(
				/failed \(INVERS answered HTTP 200 \(text\/html\) with a web page instead of the JSON object it sends\)/,
			),
		);
	});

	test('429 waits for Retry-After, then succeeds', async () => {
		const credentials = await usedCredentials();
		sim().faults.add({ kind: 'rate-limit', retryAfterSeconds: 1 });
		const before = requestsTo('GET /vehicles/:id');
		const started = Date.now();
		expect((await get(credentials, sim().vehicleIds()[5])).error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(requestsTo('GET /vehicles/:id') - before).toBe(2);
	});

	test('reads are retried after 5xx and dropped connections', async () => {
		const credentials = await usedCredentials();
		sim().faults.add({ kind: 'status', status: 503 });
		sim().faults.add({ kind: 'drop' });
		const before = requestsTo('GET /vehicles/:id');
		expect((await get(credentials, sim().vehicleIds()[5])).error).toBeUndefined();
		expect(requestsTo('GET /vehicles/:id') - before).toBe(3);
	});

	test('a request slower than the timeout fails with a clear message', async () => {
		const credentials = await usedCredentials();
		sim().faults.add({ kind: 'slow', delayMs: 3000, times: 10 });
		const { error } = await get(credentials, sim().vehicleIds()[5], { timeout: 1 });
		expect(error?.message).toEqual(
			expect.stringMatching(
				/failed \(the INVERS OneAPI did not answer in time\): raise the Timeout option/,
			),
		);
		expect(error?.description).toMatch(/^ETIMEDOUT on GET/);
	}, 20_000);

	test('a problem becomes an error with its title, hint and flow ID', async () => {
		const credentials = await usedCredentials();
		const { error } = await get(credentials, 'GONE1');
		expect(error?.message).toEqual(
			expect.stringMatching(/^Vehicle GONE1 was not found in this fleet \(INVERS answered 404\)/),
		);
		expect(error?.description).toMatch(/Flow ID: [0-9a-f-]{36}/);
	});

	test('a dropped connection after a command ran: sent once, "may or may not have reached the vehicle"', async () => {
		const credentials = await usedCredentials();
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 14);
		sim().faults.add({
			method: 'POST',
			path: '/commands/',
			kind: 'drop',
			executeBeforeFault: true,
		});
		const before = requestsTo('POST /vehicles/:id/commands/:command');
		const { error } = await runNode({
			node: 'inversVehicleCommands',
			typeVersion: 1,
			parameters: sendCommandParameters(id, 'DRAW_ATTENTION'),
			credentials,
		});
		expect(requestsTo('POST /vehicles/:id/commands/:command') - before).toBe(1);
		expect(commandsFor(sim(), id)).toEqual(['DRAW_ATTENTION']);
		expect(error?.message).toEqual(
			expect.stringMatching(
				/^Command DRAW_ATTENTION to vehicle \w+ may or may not have been carried out \(it was sent, but no answer came back\)/,
			),
		);
	});

	test('a refused token is renewed once, stored with the credential, and the request succeeds', async () => {
		const credentials = await usedCredentials();
		const oldToken = credentials.data.accessToken;
		helperRequests = 1;
		sim().expireTokens();
		const tokens = sim().stats.tokenRequests;
		const before = requestsTo('GET /vehicles/:id');
		expect((await get(credentials, sim().vehicleIds()[6])).error).toBeUndefined();
		expect(sim().stats.tokenRequests - tokens).toBe(1);
		// The refused request and the one sent again with the new token.
		expect(requestsTo('GET /vehicles/:id') - before).toBe(2);
		expect(credentials.data.accessToken).not.toBe(oldToken);
		// The stored token serves the next run over a kept connection.
		const { opened, result } = await connectionsFor(() => get(credentials, sim().vehicleIds()[7]));
		expect(result.error).toBeUndefined();
		expect(sim().stats.tokenRequests - tokens).toBe(1);
		expect(opened).toBeLessThanOrEqual(1);
	});

	test('a command refused for its token is sent again once renewed (it did not run), and runs once', async () => {
		const credentials = await usedCredentials();
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 15);
		helperRequests = 1;
		sim().expireTokens();
		const before = requestsTo('POST /vehicles/:id/commands/:command');
		const { error } = await runNode({
			node: 'inversVehicleCommands',
			typeVersion: 1,
			parameters: sendCommandParameters(id, 'DRAW_ATTENTION'),
			credentials,
		});
		expect(error).toBeUndefined();
		expect(requestsTo('POST /vehicles/:id/commands/:command') - before).toBe(2);
		expect(commandsFor(sim(), id)).toEqual(['DRAW_ATTENTION']);
	});

	test('neither the client secret nor the access token appears in output or errors', async () => {
		const credentials = await usedCredentials();
		const token = String(credentials.data.accessToken);
		sim().faults.add({ kind: 'status', status: 500, times: 10 });
		const failed = await get(credentials, sim().vehicleIds()[5]);
		const text = JSON.stringify(failed.run) + JSON.stringify(failed.error ?? {});
		expect(failed.error).toBeDefined();
		expect(text).not.toContain('demo-secret');
		expect(text).not.toContain(token);
	});
});
