/**
 * What n8n's own request helper honours, the package's connections honour too: a proxy from
 * HTTPS_PROXY / HTTP_PROXY (a real CONNECT proxy here, with a user and password), hosts in
 * NO_PROXY reached directly, certificate authorities added with NODE_EXTRA_CA_CERTS (a CA made
 * at run time signs the API's certificate, as a company CA or a TLS-inspecting proxy does), and
 * n8n's outbound network policy (SSRF protection). The
 * simulator sits behind a TLS relay for `https://localhost`. The nodes run in a process of their
 * own (test/harness/childRun.ts): Node.js reads NODE_EXTRA_CA_CERTS only when it starts.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { TOKEN_PATH } from '../../nodes/shared/contract';
import { proxyFor } from '../../nodes/shared/transport/http/proxyFor';
import { makeCertificates, type TestCertificates } from '../harness/certificates';
import type { ChildInput, ChildResult } from '../harness/childRun';
import { startConnectProxy, type TestProxy } from '../harness/connectProxy';
import { management } from '../harness/params';
import { type Relay, startRelay } from '../harness/relay';
import { useSimulator } from '../harness/simulatorFixture';

const sim = useSimulator({ fleetSize: 250 });
const LIST = 'GET /vehicles';
let certificates: TestCertificates;
let tlsFront: Relay;
let proxy: TestProxy;

beforeAll(async () => {
	certificates = makeCertificates();
	tlsFront = await startRelay(sim().port, {
		tls: { key: certificates.key, cert: certificates.cert },
	});
	proxy = await startConnectProxy({ user: 'n8n', password: 'p@ss word' });
});

afterAll(async () => {
	await tlsFront.close();
	await proxy.close();
	certificates.remove();
});

const apiUrl = () => `https://localhost:${tlsFront.port}`;

/** A token the simulator issued, as n8n holds one in its database after a credential's first use. */
async function storedToken(): Promise<string> {
	const response = await fetch(`${sim().url}${TOKEN_PATH}`, {
		method: 'POST',
		headers: {
			Authorization: `Basic ${Buffer.from('demo#client:demo-secret').toString('base64')}`,
		},
	});
	return ((await response.json()) as { access_token: string }).access_token;
}

const getAll = {
	node: 'inversVehicleManagement',
	parameters: management('getMany', { returnAll: true }),
};

/** Runs the nodes in a fresh process with exactly the given environment variables added. */
function runInChild(input: ChildInput, env: Record<string, string>): Promise<ChildResult[]> {
	const inherited = { ...process.env };
	for (const name of Object.keys(inherited)) {
		if (/^(https?|all|no)_proxy$/i.test(name) || name === 'NODE_EXTRA_CA_CERTS') {
			delete inherited[name];
		}
	}
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			['-r', 'ts-node/register', path.join(__dirname, '../harness/childRun.ts')],
			{
				env: {
					...inherited,
					...env,
					TS_NODE_TRANSPILE_ONLY: 'true',
					TS_NODE_PREFER_TS_EXTS: 'true',
					N8N_LOG_LEVEL: 'silent',
					INVERS_CHILD_RUNS: JSON.stringify(input),
				},
				timeout: 60_000,
			},
			(error, stdout, stderr) => {
				const line = stdout.split('\n').find((text) => text.startsWith('RESULT '));
				if (!line) return reject(error ?? new Error(`no result; stderr: ${stderr}`));
				resolve(JSON.parse(line.slice('RESULT '.length)) as ChildResult[]);
			},
		);
	});
}

function credentials(baseUrl: string, accessToken = ''): ICredentialDataDecryptedObject {
	return { baseUrl, clientId: 'demo#client', clientSecret: 'demo-secret', accessToken };
}

function statsBefore() {
	return {
		connections: tlsFront.stats.connections,
		handshakes: tlsFront.stats.handshakes,
		tunnels: proxy.stats.tunnels.length,
		forwarded: proxy.stats.forwarded.length,
		refused: proxy.stats.refused,
		pages: sim().stats.requests[LIST] ?? 0,
	};
}

function since(before: ReturnType<typeof statsBefore>) {
	const now = statsBefore();
	return {
		connections: now.connections - before.connections,
		handshakes: now.handshakes - before.handshakes,
		tunnels: now.tunnels - before.tunnels,
		forwarded: now.forwarded - before.forwarded,
		refused: now.refused - before.refused,
		pages: now.pages - before.pages,
	};
}

describe('certificate authorities from NODE_EXTRA_CA_CERTS', () => {
	test('trusted: two runs page through the fleet over one TLS connection', async () => {
		const before = statsBefore();
		const results = await runInChild(
			{ credentials: credentials(apiUrl(), await storedToken()), runs: [getAll, getAll] },
			{ NODE_EXTRA_CA_CERTS: certificates.caFile },
		);
		expect(results.map((result) => result.error)).toEqual([undefined, undefined]);
		for (const result of results) expect(result.ids).toEqual(sim().vehicleIds());
		const counted = since(before);
		expect(counted.pages).toBeGreaterThanOrEqual(6);
		expect(counted.connections).toBe(1);
		expect(counted.handshakes).toBe(1);
	}, 60_000);

	test("trusted: a credential's first run (token fetched and stored through n8n's helper) works too", async () => {
		const results = await runInChild(
			{ credentials: credentials(apiUrl()), runs: [getAll, getAll] },
			{ NODE_EXTRA_CA_CERTS: certificates.caFile },
		);
		expect(results.map((result) => result.error)).toEqual([undefined, undefined]);
		expect(results[1].ids).toEqual(sim().vehicleIds());
	}, 60_000);

	test('not trusted: the error says so and names NODE_EXTRA_CA_CERTS; nothing was sent', async () => {
		const before = statsBefore();
		const [result] = await runInChild(
			{ credentials: credentials(apiUrl(), await storedToken()), runs: [getAll] },
			{},
		);
		expect(result.error?.message).toMatch(
			/^Reading the vehicle list failed \(The TLS certificate of localhost:\d+ is not trusted \(\w+\)\): give n8n the CA certificate .* NODE_EXTRA_CA_CERTS\.$/,
		);
		expect(result.error?.description).toContain(
			`The TLS certificate of localhost:${tlsFront.port} is not trusted`,
		);
		expect(result.error?.description).toContain('NODE_EXTRA_CA_CERTS');
		expect(result.error?.description).toContain('Nothing was sent.');
		expect(since(before).pages).toBe(0);
	}, 60_000);
});

describe('proxies from HTTPS_PROXY, HTTP_PROXY and NO_PROXY', () => {
	test('HTTPS_PROXY with a user and password: every connection is a CONNECT tunnel, the pages share one', async () => {
		const before = statsBefore();
		const results = await runInChild(
			{ credentials: credentials(apiUrl()), runs: [getAll, getAll] },
			{ NODE_EXTRA_CA_CERTS: certificates.caFile, HTTPS_PROXY: proxy.url },
		);
		expect(results.map((result) => result.error)).toEqual([undefined, undefined]);
		expect(results[1].ids).toEqual(sim().vehicleIds());
		const counted = since(before);
		expect(counted.refused).toBe(0);
		expect(counted.tunnels).toBe(counted.connections);
		expect(proxy.stats.tunnels.slice(before.tunnels)).toEqual(
			Array(counted.tunnels).fill(`localhost:${tlsFront.port}`),
		);
		// The token request and the first page go through n8n's helper (one connection each); the
		// other pages of both runs share one tunnel.
		expect(counted.connections).toBe(3);
	}, 60_000);

	test('a host in NO_PROXY is reached directly', async () => {
		const before = statsBefore();
		const [result] = await runInChild(
			{ credentials: credentials(apiUrl(), await storedToken()), runs: [getAll] },
			{
				NODE_EXTRA_CA_CERTS: certificates.caFile,
				HTTPS_PROXY: proxy.url,
				NO_PROXY: 'example.com,localhost',
			},
		);
		expect(result.error).toBeUndefined();
		expect(since(before)).toMatchObject({ tunnels: 0, connections: 1 });
	}, 60_000);

	test('a proxy that wants a password gets none: the error says so; nothing reached the API', async () => {
		const before = statsBefore();
		const withoutLogin = proxy.url.replace(/\/\/[^@]*@/, '//');
		const [result] = await runInChild(
			{ credentials: credentials(apiUrl(), await storedToken()), runs: [getAll] },
			{ NODE_EXTRA_CA_CERTS: certificates.caFile, HTTPS_PROXY: withoutLogin },
		);
		expect(result.error?.message).toMatch(
			/^Reading the vehicle list failed \(The proxy .* refused the tunnel .*HTTP 407.*\): correct the setting it names/,
		);
		expect(result.error?.description).toContain(
			`The proxy ${withoutLogin} refused the tunnel to localhost:${tlsFront.port} (HTTP 407`,
		);
		expect(result.error?.description).toContain('Nothing was sent.');
		expect(since(before)).toMatchObject({ pages: 0, connections: 0, refused: 1 });
	}, 60_000);

	test('HTTP_PROXY forwards a plain http Base URL (this machine), over one kept connection to the proxy', async () => {
		const before = statsBefore();
		const [result] = await runInChild(
			{ credentials: credentials(sim().url, await storedToken()), runs: [getAll] },
			{ HTTP_PROXY: proxy.url },
		);
		expect(result.error).toBeUndefined();
		expect(result.ids).toEqual(sim().vehicleIds());
		const counted = since(before);
		expect(counted.forwarded).toBe(counted.pages);
		expect(proxy.stats.forwarded.slice(before.forwarded)[0]).toMatch(
			new RegExp(`^${sim().url}/vehicles\\?limit=`),
		);
	}, 60_000);
});

describe('which proxy, by the rules of n8n (proxy-from-env)', () => {
	const api = new URL('https://api.invers.com/vehicles');
	const via = (env: Record<string, string>, url = api) => proxyFor(url, env)?.href;

	test.each([
		[{ HTTPS_PROXY: 'http://proxy:3128' }, 'http://proxy:3128/'],
		[{ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, 'http://lower:1/'],
		[{ HTTP_PROXY: 'http://proxy:3128' }, undefined],
		[{ ALL_PROXY: 'http://all:8080' }, 'http://all:8080/'],
		[{ HTTPS_PROXY: 'proxy:3128' }, 'https://proxy:3128/'],
		[{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '*' }, undefined],
		[{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'api.invers.com' }, undefined],
		[{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'invers.com' }, 'http://proxy:3128/'],
		[{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: '.invers.com' }, undefined],
		[{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'x.org *.invers.com' }, undefined],
		[{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'api.invers.com:8443' }, 'http://proxy:3128/'],
		[{ HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'API.INVERS.COM:443' }, undefined],
	])('%j → %s', (env, expected) => {
		expect(via(env)).toBe(expected);
	});

	test('a proxy other than http:// or https:// is refused with a clear error', () => {
		expect(() => via({ HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(
			'The proxy for https requests is socks5://proxy:1080: only http:// and https:// proxies are supported',
		);
	});
});

describe("n8n's outbound network policy (N8N_SSRF_PROTECTION_ENABLED)", () => {
	test('an address the policy blocks is refused before anything is sent', async () => {
		const before = statsBefore();
		const [result] = await runInChild(
			{ credentials: credentials(sim().url, await storedToken()), runs: [getAll] },
			{ N8N_SSRF_PROTECTION_ENABLED: 'true' },
		);
		expect(result.error?.message).toMatch(
			/^Reading the vehicle list failed \(n8n's outbound network policy refused 127\.0\.0\.1:\d+.*\): correct the setting it names/,
		);
		expect(result.error?.description).toContain("n8n's outbound network policy refused 127.0.0.1");
		expect(result.error?.description).toContain('Nothing was sent.');
		expect(since(before).pages).toBe(0);
	}, 60_000);

	test('an address the policy allows is reached', async () => {
		const [result] = await runInChild(
			{ credentials: credentials(sim().url, await storedToken()), runs: [getAll] },
			{ N8N_SSRF_PROTECTION_ENABLED: 'true', N8N_SSRF_ALLOWED_IP_RANGES: '127.0.0.0/8' },
		);
		expect(result.error).toBeUndefined();
		expect(result.ids).toEqual(sim().vehicleIds());
	}, 60_000);
});
