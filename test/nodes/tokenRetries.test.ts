/**
 * The token request gets the same bounded retries as every other request: a 429 waits as it
 * asks (within bounds), a 5xx or a dropped connection is sent again after a pause; a 4xx
 * credential error never is. And a 429 that asks for more than the node waits says so.
 */
import { TOKEN_PATH } from '../../nodes/shared/contract';
import { clearAccessTokenCache } from '../../nodes/shared/transport/accessToken';
import { runCredentialTest } from '../harness/credentialTest';
import { management, vehicleById } from '../harness/params';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { runNode } from '../harness/workflowRunner';

const sim = useSimulator({ fleetSize: 5 });
const TOKEN_ROUTE = `^${TOKEN_PATH.split('?')[0]}$`;

beforeEach(() => {
	sim().faults.clear();
	clearAccessTokenCache();
});

function get() {
	return runNode({
		node: 'inversVehicleManagement',
		parameters: management('get', { vehicle: vehicleById(sim().vehicleIds()[0]) }),
		credentials: simulatorCredentials(sim()),
	});
}

describe('the token request', () => {
	test.each([
		['a 503', { kind: 'status', status: 503 }],
		['a gateway page (502)', { kind: 'html', status: 502 }],
		['a dropped connection', { kind: 'drop' }],
	] as const)('is sent again after %s, and the node succeeds', async (_, fault) => {
		sim().faults.add({ ...fault, path: TOKEN_ROUTE, times: 2 });
		const before = sim().stats.tokenRequests;
		const { error, items } = await get();
		expect(error).toBeUndefined();
		expect(items[0].json.id).toBe(sim().vehicleIds()[0]);
		expect(sim().stats.tokenRequests - before).toBe(3);
	});

	test('waits as a 429 asks, then succeeds', async () => {
		sim().faults.add({ kind: 'rate-limit', retryAfterSeconds: 1, path: TOKEN_ROUTE });
		const started = Date.now();
		const { error } = await get();
		expect(error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	});

	test('is tried at most 4 times after server errors, and the error says so', async () => {
		sim().faults.add({ kind: 'status', status: 500, path: TOKEN_ROUTE, times: 20 });
		const before = sim().stats.tokenRequests;
		const { error } = await get();
		expect(sim().stats.tokenRequests - before).toBe(4);
		expect(error?.message).toBe('Could not get an access token from INVERS');
		expect(error?.description).toMatch(/failed with HTTP 500\..*Tried 4 times\./);
	}, 20_000);

	test('a 429 asking for a day fails at once, saying what was asked and what the node allows', async () => {
		sim().faults.add({ kind: 'rate-limit', retryAfterSeconds: 86_400, path: TOKEN_ROUTE });
		const started = Date.now();
		const { error } = await get();
		expect(Date.now() - started).toBeLessThan(5000);
		expect(error?.description).toContain(
			'INVERS asked to wait 86400 s before the next token request; the node waits at most 120 s in all.',
		);
	});

	test.each([400, 401, 403])('is never repeated after a %s', async (status) => {
		sim().faults.add({ kind: 'status', status, path: TOKEN_ROUTE, times: 5 });
		const before = sim().stats.tokenRequests;
		const { error } = await get();
		expect(error?.message).toBe('Could not get an access token from INVERS');
		expect(sim().stats.tokenRequests - before).toBe(1);
	});

	test('in the credential test too: a dropped connection is retried, a wrong secret is not', async () => {
		sim().faults.add({ kind: 'drop', path: TOKEN_ROUTE });
		const data = { baseUrl: sim().url, clientId: 'demo#client', clientSecret: 'demo-secret' };
		let before = sim().stats.tokenRequests;
		expect(await runCredentialTest(data)).toMatchObject({ status: 'OK' });
		expect(sim().stats.tokenRequests - before).toBe(2);

		before = sim().stats.tokenRequests;
		const refused = await runCredentialTest({ ...data, clientSecret: 'wrong' });
		expect(refused.message).toMatch(/^REST API: INVERS rejected the Client ID or Client Secret/);
		expect(sim().stats.tokenRequests - before).toBe(1);
	});

	test('in the credential test, a 429 is waited out', async () => {
		sim().faults.add({ kind: 'rate-limit', retryAfterSeconds: 1, path: TOKEN_ROUTE });
		const data = { baseUrl: sim().url, clientId: 'demo#client', clientSecret: 'demo-secret' };
		const before = sim().stats.tokenRequests;
		expect(await runCredentialTest(data)).toMatchObject({ status: 'OK' });
		expect(sim().stats.tokenRequests - before).toBe(2);
	});
});

describe('a 429 asking for more than the node waits', () => {
	test('fails at once and says it was asked to wait that long, and how long the node waits', async () => {
		sim().faults.add({ kind: 'rate-limit', retryAfterSeconds: 86_400, path: '^/vehicles/' });
		const started = Date.now();
		const { error } = await get();
		expect(Date.now() - started).toBeLessThan(5000);
		expect(error?.message).toBe('The INVERS OneAPI rate limit stayed exceeded');
		expect(error?.description).toMatch(
			/^INVERS asked to wait 86400 s before the next request; the node waits at most 120 s per request, so it stopped at once\./,
		);
		expect(error?.description).not.toContain('waited 86400');
	});
});
