import type { IDataObject } from 'n8n-workflow';

import { problemTypes } from '../../nodes/shared/contract';
import { startSimulator } from '../../simulator';
import { management, vehicleById } from '../harness/params';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import type { TestCredentials } from '../harness/workflowRunner';
import { runNode } from '../harness/workflowRunner';

const sim = useSimulator({ fleetSize: 20 });

function get(
	credentials: TestCredentials,
	vehicleId = sim().vehicleIds()[0],
	continueOnFail = false,
) {
	return runNode({
		node: 'inversVehicleManagement',
		parameters: management('get', { vehicle: vehicleById(vehicleId) }),
		credentials,
		continueOnFail,
	});
}

function requestsTo(key: string): number {
	return sim().stats.requests[key] ?? 0;
}

beforeEach(() => sim().faults.clear());

describe('access token', () => {
	test('one token serves many calls and runs; a client ID with # works', async () => {
		const credentials = simulatorCredentials(sim());
		const before = sim().stats.tokenRequests;
		for (let run = 0; run < 5; run++) {
			const { error } = await runNode({
				node: 'inversVehicleManagement',
				parameters: management('get', {
					vehicle: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				}),
				credentials,
				items: sim()
					.vehicleIds()
					.map((id) => ({ id })),
			});
			expect(error).toBeUndefined();
		}
		expect(sim().stats.tokenRequests - before).toBeLessThanOrEqual(1);
	});

	test('an expired token is replaced once, and the call succeeds', async () => {
		const credentials = simulatorCredentials(sim());
		await get(credentials);
		const oldToken = credentials.data.accessToken;
		sim().expireTokens();
		const before = sim().stats.tokenRequests;
		const { error, items } = await get(credentials);
		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe(sim().vehicleIds()[0]);
		expect(sim().stats.tokenRequests - before).toBe(1);
		expect(credentials.data.accessToken).not.toBe(oldToken);
	});

	test('a run loads the credential once, and a token expiring mid-run is renewed once per 401', async () => {
		// 10 pages of 100, a quarter second each, with tokens living one second: the token expires
		// twice or so while paging. The transport keeps the token n8n renewed for one page for the
		// pages after it, so each expiry costs one 401 and one token request, not one per page.
		const fleet = await startSimulator({ fleetSize: 1000, port: 0, tokenTtlSeconds: 1 });
		try {
			fleet.faults.add({
				kind: 'slow',
				method: 'GET',
				path: '^/vehicles$',
				delayMs: 250,
				times: 1e9,
			});
			const credentials = simulatorCredentials(fleet);
			const { error, items } = await runNode({
				node: 'inversVehicleManagement',
				parameters: management('getMany', { returnAll: true }),
				credentials,
			});
			expect(error).toBeUndefined();
			expect(items).toHaveLength(1000);
			expect(credentials.helper.decryptions).toBe(1);
			const renewals = fleet.stats.tokenRequests - 1;
			expect(renewals).toBeGreaterThanOrEqual(1);
			expect(fleet.stats.requests['GET /vehicles']).toBe(10 + renewals);
		} finally {
			await fleet.close();
		}
	});

	test('a wrong secret says so, and never shows the secret', async () => {
		const credentials = simulatorCredentials(sim(), 'demo#client', 'wrong-secret-value');
		const { error, run } = await get(credentials);
		expect(error?.message + ' ' + error?.description).toMatch(
			/rejected the Client ID or Client Secret/,
		);
		expect(JSON.stringify(run)).not.toContain('wrong-secret-value');
	});

	test('an unreachable base URL says so', async () => {
		const credentials = simulatorCredentials(sim());
		credentials.store.set('inversOneApi', { ...credentials.data, baseUrl: 'http://127.0.0.1:9' });
		const { error } = await get(credentials);
		expect(error?.message + ' ' + error?.description).toMatch(
			/Could not reach the INVERS OneAPI at http:\/\/127.0.0.1:9/,
		);
	});
});

describe('problem types', () => {
	test.each([
		[400, problemTypes.validationError, 'correct the field'],
		[400, problemTypes.invalidJson, 'bug'],
		[400, problemTypes.referencedResourceNotFound, 'does not exist'],
		[403, problemTypes.missingPermissions, '"vehicles.ro" or "vehicles" permission'],
		[403, problemTypes.forbiddenResource, 'may not access this resource'],
		[404, problemTypes.resourceNotFound, 'archived for 90 days'],
		[409, problemTypes.commandNotSupported, 'lacks this command capability'],
		[409, problemTypes.conflictingState, 'current state forbids'],
		[409, problemTypes.sharedWithPartner, 'partner fleet'],
		[409, problemTypes.conflictingSetupStatus, 'setup'],
		[412, problemTypes.resourceModified, 'ETag'],
		[500, problemTypes.internalServerError, 'flow ID'],
		[500, problemTypes.telematicsUnitError, 'telematics unit'],
	])(
		'%i %s becomes an error with the title, detail, hint and flow id',
		async (status, type, hint) => {
			sim().faults.add({ kind: 'status', status, problemType: type, times: 10 });
			const { error } = await get(simulatorCredentials(sim()));
			expect(error?.httpCode).toBe(String(status));
			expect(error?.message).not.toMatch(/^HTTP/);
			expect(error?.description).toContain(hint);
			expect(error?.description).toContain(`(Problem type: ${type}.)`);
			expect(error?.description).toMatch(/Flow ID: [0-9a-f-]{36}/);
		},
	);

	test('401 after a fresh token explains the credential', async () => {
		sim().faults.add({
			kind: 'status',
			status: 401,
			problemType: problemTypes.invalidCredentials,
			times: 10,
		});
		const { error } = await get(simulatorCredentials(sim()));
		expect(error?.httpCode).toBe('401');
		expect(error?.description).toContain('Client ID and Client Secret');
	});

	test('the read-only client is told which permission an update needs', async () => {
		const credentials = simulatorCredentials(sim(), 'readonly#client', 'readonly-secret');
		const { error } = await runNode({
			node: 'inversVehicleManagement',
			parameters: management('update', {
				vehicle: vehicleById(sim().vehicleIds()[0]),
				masterData: { custom_name: 'x' },
			}),
			credentials,
		});
		expect(error?.httpCode).toBe('403');
		expect(error?.description).toContain('"vehicles" permission');
	});

	test('a redirect is not followed: the token stays here and the error says to fix the Base URL', async () => {
		const elsewhere = await startSimulator({ fleetSize: 1, port: 0 });
		const before = requestsTo('GET /vehicles/:id');
		try {
			sim().faults.add({
				kind: 'redirect',
				status: 307,
				location: `${elsewhere.url}/vehicles/x?secret=abc`,
				path: '^/vehicles/',
			});
			const { error } = await get(simulatorCredentials(sim()));
			expect(error?.message).toMatch(
				/^Reading vehicle \S+ failed \(the address answered with a redirect, HTTP 307\): set the credential's Base URL to the address of the API\.$/,
			);
			expect(error?.description).toContain(`was redirected to ${elsewhere.url}/vehicles/x.`);
			expect(error?.description).toContain('set the Base URL of the credential');
			expect(error?.description).not.toContain('secret=abc');
			expect(elsewhere.stats.requests).toEqual({});
			// Not retried either: a redirect will not go away by asking again.
			expect(requestsTo('GET /vehicles/:id') - before).toBe(1);
		} finally {
			await elsewhere.close();
		}
	});

	test('a gateway HTML page becomes a clear error, not a JSON parse failure', async () => {
		sim().faults.add({ kind: 'html', status: 502, times: 10 });
		const { error } = await get(simulatorCredentials(sim()));
		expect(error?.message).toMatch(
			/^Reading vehicle \S+ failed \(the INVERS API gateway answered 502 /,
		);
	});
});

describe('retries', () => {
	test('429 waits for Retry-After, then succeeds', async () => {
		const before = requestsTo('GET /vehicles/:id');
		sim().faults.add({ kind: 'rate-limit', retryAfterSeconds: 1 });
		const started = Date.now();
		const { error } = await get(simulatorCredentials(sim()));
		expect(error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
		expect(requestsTo('GET /vehicles/:id') - before).toBe(2);
	});

	test('a 429 asking for longer than the wait cap fails at once with a clear error', async () => {
		sim().faults.add({ kind: 'rate-limit', retryAfterSeconds: 3600 });
		const started = Date.now();
		const { error } = await get(simulatorCredentials(sim()));
		expect(Date.now() - started).toBeLessThan(5000);
		expect(error?.message).toBe('The INVERS OneAPI rate limit stayed exceeded');
		expect(error?.httpCode).toBe('429');
	});

	test('reads are retried after 5xx and dropped connections', async () => {
		const before = requestsTo('GET /vehicles/:id');
		sim().faults.add({ kind: 'status', status: 503 });
		sim().faults.add({ kind: 'drop' });
		const { error } = await get(simulatorCredentials(sim()));
		expect(error).toBeUndefined();
		expect(requestsTo('GET /vehicles/:id') - before).toBe(3);
	});

	test('retries are bounded', async () => {
		const before = requestsTo('GET /vehicles/:id');
		sim().faults.add({ kind: 'status', status: 500, times: 20 });
		const { error } = await get(simulatorCredentials(sim()));
		expect(error?.httpCode).toBe('500');
		expect(requestsTo('GET /vehicles/:id') - before).toBe(4);
	});

	test('a request slower than the timeout fails with a clear message', async () => {
		sim().faults.add({ kind: 'slow', delayMs: 3000, times: 10 });
		const { error } = await runNode({
			node: 'inversVehicleManagement',
			parameters: management('get', {
				vehicle: vehicleById(sim().vehicleIds()[0]),
				options: { timeout: 1 },
			}),
			credentials: simulatorCredentials(sim()),
		});
		expect(error?.message).toBe(
			`Reading vehicle ${sim().vehicleIds()[0]} failed (the INVERS OneAPI did not answer in time): raise the Timeout option or try again later; if it persists, give INVERS support the flow ID from the error details.`,
		);
		expect(error?.description).toMatch(/^(ETIMEDOUT|ECONNABORTED) on GET/);
	}, 20000);
});

describe('items', () => {
	test('continueOnFail turns a failing item into an error item in its place', async () => {
		const ids = sim().vehicleIds();
		const { items, error } = await runNode({
			node: 'inversVehicleManagement',
			parameters: management('get', {
				vehicle: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			}),
			credentials: simulatorCredentials(sim()),
			items: [{ id: ids[0] }, { id: 'GONE1' }, { id: ids[1] }],
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.id).toBe(ids[0]);
		expect(items[1].json).toEqual({
			error: expect.stringMatching(
				/^Vehicle GONE1 was not found in this fleet \(INVERS answered 404\): /,
			),
			details: {
				description: expect.stringContaining('No vehicle with this ID'),
				httpCode: '404',
				problemType: problemTypes.resourceNotFound,
				flow_id: expect.any(String),
			},
		});
		expect(items[2].json.id).toBe(ids[1]);
	});

	test('with "Continue (using error output)" failing items go to the error output', async () => {
		const ids = sim().vehicleIds();
		const { items, errorItems, error } = await runNode({
			node: 'inversVehicleManagement',
			parameters: management('get', {
				vehicle: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			}),
			credentials: simulatorCredentials(sim()),
			items: [{ id: ids[0] }, { id: 'GONE1' }],
			errorOutput: true,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual([ids[0]]);
		expect(errorItems).toHaveLength(1);
		expect(errorItems[0].json).toMatchObject({
			error: expect.stringMatching(/^Vehicle GONE1 was not found in this fleet /),
			details: { httpCode: '404', flow_id: expect.any(String) },
		});
	});

	test('neither the client secret nor the access token appears in output or errors', async () => {
		const credentials = simulatorCredentials(sim());
		const ok = await get(credentials);
		const token = credentials.data.accessToken as string;
		expect(token.length).toBeGreaterThan(8);
		sim().faults.add({ kind: 'status', status: 500, times: 10 });
		const failed = await get(credentials, sim().vehicleIds()[0], true);
		const failedHard = await get(credentials);
		for (const result of [ok, failed, failedHard]) {
			const text = JSON.stringify(result.run) + JSON.stringify(result.error ?? {});
			expect(text).not.toContain('demo-secret');
			expect(text).not.toContain(token);
		}
		expect((failed.items[0].json as IDataObject).error).toBeDefined();
	});
});
