import { networkInterfaces } from 'node:os';

import { LoadOptionsContext } from 'n8n-core';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { isIpAddress, isLoopbackHost } from '../../nodes/shared/connectionSecurity';
import { TOKEN_PATH } from '../../nodes/shared/contract';
import { clearAccessTokenCache } from '../../nodes/shared/transport/accessToken';
import { startSimulator } from '../../simulator';
import { runCredentialTest } from '../harness/credentialTest';
import { management, vehicleById } from '../harness/params';
import { RecordingServer } from '../harness/recordingServer';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { TestCredentials, buildWorkflow, runNode } from '../harness/workflowRunner';
import { InversVehicleLifecycle } from '../../nodes/InversVehicleLifecycle/InversVehicleLifecycle.node';

const sim = useSimulator({ fleetSize: 5 });
const TOKEN_PATHNAME = TOKEN_PATH.split('?')[0];

let elsewhere: RecordingServer;
beforeEach(async () => {
	sim().faults.clear();
	clearAccessTokenCache();
	elsewhere = await new RecordingServer().start();
});
afterEach(async () => await elsewhere.close());

function get(credentials: TestCredentials) {
	return runNode({
		node: 'inversVehicleManagement',
		parameters: management('get', { vehicle: vehicleById(sim().vehicleIds()[0]) }),
		credentials,
	});
}

function credentialsWith(data: ICredentialDataDecryptedObject): TestCredentials {
	return new TestCredentials({ ...simulatorCredentials(sim()).data, ...data });
}

describe('the token request never follows a redirect', () => {
	function redirectTokenRequests() {
		sim().faults.add({
			kind: 'redirect',
			status: 307,
			path: `^${TOKEN_PATHNAME}$`,
			location: `${elsewhere.url}${TOKEN_PATHNAME}?grant_type=client_credentials&key=abc`,
			times: 10,
		});
	}

	test('in a node: the other server receives nothing, the error names where it pointed', async () => {
		redirectTokenRequests();
		const { error, items } = await get(simulatorCredentials(sim()));
		expect(elsewhere.requests).toEqual([]);
		expect(items).toEqual([]);
		expect(error?.message).toBe('Could not get an access token from INVERS');
		expect(error?.description).toContain(
			`The token endpoint at ${sim().url} redirected (HTTP 307) to ${elsewhere.url}${TOKEN_PATHNAME}`,
		);
		expect(error?.description).toContain('Base URL');
		expect(error?.description).not.toContain('key=abc');
	});

	test('in the credential test: the other server receives nothing, the message names where it pointed', async () => {
		redirectTokenRequests();
		const result = await runCredentialTest({
			baseUrl: sim().url,
			clientId: 'demo#client',
			clientSecret: 'demo-secret',
		});
		expect(elsewhere.requests).toEqual([]);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(
			`REST API: The token endpoint at ${sim().url} redirected (HTTP 307) to ${elsewhere.url}${TOKEN_PATHNAME}`,
		);
	});

	test("the credential test's vehicle read does not follow a redirect either (the token would go along)", async () => {
		sim().faults.add({
			kind: 'redirect',
			status: 302,
			method: 'GET',
			path: '^/vehicles$',
			location: `${elsewhere.url}/vehicles`,
		});
		const result = await runCredentialTest({
			baseUrl: sim().url,
			clientId: 'demo#client',
			clientSecret: 'demo-secret',
		});
		expect(elsewhere.requests).toEqual([]);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(`redirected (HTTP 302) to ${elsewhere.url}/vehicles`);
	});
});

describe('the Base URL', () => {
	test.each([
		[
			'a user name and password',
			(url: string) => url.replace('//', '//admin:pw-in-url@'),
			/user name or password/,
		],
		['a query', (url: string) => `${url}/?token=pw-in-url`, /query \(\?…\) or fragment/],
		['a fragment', (url: string) => `${url}#pw-in-url`, /query \(\?…\) or fragment/],
		['a bare query mark', (url: string) => `${url}?`, /query \(\?…\) or fragment/],
		['another scheme', (url: string) => url.replace('http:', 'ftp:'), /must start with https:\/\//],
		['no URL at all', () => 'api.invers.com pw-in-url', /is not a URL/],
	])('with %s is refused before anything is sent, naming the field', async (_, make, why) => {
		const tokensBefore = sim().stats.tokenRequests;
		const { error } = await get(credentialsWith({ baseUrl: make(sim().url) }));
		expect(error?.message).toMatch(/^The credential's Base URL /);
		expect(error?.message).toMatch(why);
		expect(JSON.stringify(error)).not.toContain('pw-in-url');
		expect(sim().stats.tokenRequests).toBe(tokensBefore);

		const tested = await runCredentialTest({
			baseUrl: make(sim().url),
			clientId: 'demo#client',
			clientSecret: 'demo-secret',
		});
		expect(tested.status).toBe('Error');
		expect(tested.message).toMatch(/^REST API: The credential's Base URL /);
		expect(tested.message).not.toContain('pw-in-url');
		expect(sim().stats.tokenRequests).toBe(tokensBefore);
	});

	test('a trailing slash and an https URL are fine', async () => {
		const { error } = await get(credentialsWith({ baseUrl: `${sim().url}/` }));
		expect(error).toBeUndefined();
	});

	// Plain http to another host needs a host that is not this machine's loopback: the machine's
	// own network address, when it has one.
	const lanAddress = Object.values(networkInterfaces())
		.flat()
		.find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
	const withLan = lanAddress ? test : test.skip;

	withLan(
		'plain http to another host is refused unless "Allow Unencrypted Connections" is on',
		async () => {
			const remote = await startSimulator({ fleetSize: 2, host: lanAddress! });
			try {
				const data = { baseUrl: remote.url, clientId: 'demo#client', clientSecret: 'demo-secret' };
				const refused = await runNode({
					node: 'inversVehicleManagement',
					parameters: management('get', { vehicle: vehicleById(remote.vehicleIds()[0]) }),
					credentials: new TestCredentials(data),
				});
				expect(refused.error?.message).toBe(
					`The credential's Base URL ${remote.url} uses plain http: the client secret and the access token would travel unencrypted. Use https://, or for a test setup turn on "Allow Unencrypted Connections (test setups only)" (plain http to this machine, such as the local simulator, needs no toggle)`,
				);
				expect(remote.stats.tokenRequests).toBe(0);
				const tested = await runCredentialTest(data);
				expect(tested.status).toBe('Error');
				expect(tested.message).toMatch(/uses plain http/);
				expect(remote.stats.tokenRequests).toBe(0);

				const allowed = await runNode({
					node: 'inversVehicleManagement',
					parameters: management('get', { vehicle: vehicleById(remote.vehicleIds()[0]) }),
					credentials: new TestCredentials({ ...data, allowUnencrypted: true }),
				});
				expect(allowed.error).toBeUndefined();
				expect(allowed.items[0].json.id).toBe(remote.vehicleIds()[0]);
			} finally {
				await remote.close();
			}
		},
	);
});

describe('IDs go into a URL path only when they are IDs', () => {
	const lifecycle = (parameters: object) =>
		runNode({
			node: 'inversVehicleLifecycle',
			parameters: { resource: 'vehicleModel', operation: 'getMany', ...parameters },
			credentials: simulatorCredentials(sim()),
		});

	test.each(['..', '../vehicles', 'CLOUD BOXX', 'NIU?x=1'])(
		'the telematics brand "%s" is refused naming the field, nothing is sent',
		async (brand) => {
			const before = JSON.stringify(sim().stats.requests);
			const { error } = await lifecycle({ telematicsBrand: `={{ ${JSON.stringify(brand)} }}` });
			expect(error?.message).toMatch(/"Telematics Brand"/);
			expect(error?.message).toContain('only letters, digits, "-" and "_"');
			expect(JSON.stringify(sim().stats.requests)).toBe(before);
		},
	);

	test('the vehicle model dropdown refuses such a brand too', async () => {
		const parameters = { resource: 'vehicle', operation: 'add', telematicsBrand: '..' };
		const { workflow, additionalData, node } = buildWorkflow(
			'inversVehicleLifecycle',
			parameters,
			simulatorCredentials(sim()),
		);
		// The editor sends the node's current parameters with every loadOptions request.
		additionalData.currentNodeParameters = parameters;
		const context = new LoadOptionsContext(
			workflow,
			node,
			additionalData,
			'parameters.vehicleModelId',
		);
		const before = JSON.stringify(sim().stats.requests);
		await expect(
			new InversVehicleLifecycle().methods.loadOptions.getVehicleModels.call(context),
		).rejects.toThrow(/Telematics Brand.*only letters, digits, "-" and "_"/);
		expect(JSON.stringify(sim().stats.requests)).toBe(before);
	});
});

describe('which hosts count as this machine', () => {
	test.each([
		['127.0.0.1', true, true],
		['127.5.4.3', true, true],
		['[::1]', true, true],
		['0:0:0:0:0:0:0:1', true, true],
		['localhost', true, false],
		['192.0.2.2', false, true],
		['fd00::2', false, true],
		['api.invers.com', false, false],
		['127.0.0.1.nip.io', false, false],
		['localhost.example.com', false, false],
	])('%s: loopback %s, IP address %s', (host, loopback, address) => {
		expect(isLoopbackHost(host)).toBe(loopback);
		expect(isIpAddress(host)).toBe(address);
	});
});
