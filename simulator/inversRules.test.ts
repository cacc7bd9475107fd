/**
 * The simulator's own reading of INVERS's rules (simulator/inversRules.ts), over real HTTP: a
 * request that strays from what INVERS documents gets the simulator's 400, whatever the nodes'
 * reading in nodes/shared/contract.ts says. The simulator imports nothing from the nodes.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { type Simulator, startSimulator } from './index';
import { type ApiResponse, TestClient } from './testHttp';

const ID3 = '01HQJGXPRPG4179ZPNB83WVTE8';
const NIU_NQI = '01HQNGRMFD70AH9ZTK3YJK33TN';
const VALIDATION_ERROR = '/problems/validation-error';

/** Every import of a module outside the simulator's folder that is not a package (`../x`). */
function importsFromOutside(source: string): string[] {
	return [...source.matchAll(/(?:from\s+|require\(\s*|import\(\s*)'(\.\.\/[^']*)'/g)].map(
		(match) => match[1],
	);
}

describe('independence from the nodes', () => {
	it('imports nothing from the nodes: its reading of the documentation is its own', () => {
		const dir = __dirname;
		const offending: string[] = [];
		for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
			const source = readFileSync(path.join(dir, file), 'utf8');
			for (const target of importsFromOutside(source)) {
				// Its tests may use the project's test harness, never the nodes' modules.
				if (!file.endsWith('.test.ts') || target.startsWith('../nodes/')) {
					offending.push(`${file}: ${target}`);
				}
			}
		}
		expect(offending).toEqual([]);
	});
});

describe('the rules INVERS states', () => {
	let sim: Simulator;
	let client: TestClient;
	let token: string;

	beforeAll(async () => {
		sim = await startSimulator({ fleetSize: 30, setupDelayMs: 30 });
		client = new TestClient(sim.url);
	});
	afterAll(() => sim.close());
	beforeEach(async () => {
		sim.reset();
		sim.config.pageMax = 100;
		token = await client.token();
	});

	const add = (body: Record<string, unknown>) =>
		client.request('POST', '/vehicles', { token, body });
	const cloudBoxx = (unit: string, extra: Record<string, unknown> = {}) => ({
		telematics_brand: 'CLOUDBOXX',
		telematics_unit_id: unit,
		vehicle_model_id: ID3,
		...extra,
	});
	const niu = (unit: string, extra: Record<string, unknown> = {}) => ({
		telematics_brand: 'NIU',
		telematics_unit_id: unit,
		vehicle_model_id: NIU_NQI,
		...extra,
	});

	function expectValidationError(response: ApiResponse, ...named: string[]) {
		expect(response.status).toBe(400);
		expect(response.body.type).toBe(VALIDATION_ERROR);
		for (const field of named) expect(response.body.detail).toContain(field);
	}

	describe('unit credentials on add', () => {
		it('adds a CloudBoxx unit without credentials: INVERS links the box to the fleet itself', async () => {
			const added = await add(cloudBoxx('CBX-10001'));
			expect(added.status).toBe(201);
			expect(added.body.telematics_unit).toMatchObject({ id: 'CBX-10001', brand: 'CLOUDBOXX' });
		});

		it.each([
			['password', { password: 'unit-secret' }],
			['credentials_id', { credentials_id: 'oem-1' }],
		])('refuses a CloudBoxx unit with a %s (strict reading)', async (field, extra) => {
			const refused = await add(cloudBoxx('CBX-10002', extra));
			expectValidationError(refused, field, 'CLOUDBOXX');
			expect(sim.vehicleIds()).toHaveLength(30);
		});

		it.each([
			['a unit password', { password: 'unit-secret' }],
			['stored OEM credentials', { credentials_id: 'oem-1' }],
		])('adds an OEM (NIU) unit with %s', async (_case, extra) => {
			expect((await add(niu('NIU-20001', extra))).status).toBe(201);
		});

		it.each([
			['neither', {}],
			['both', { credentials_id: 'oem-1', password: 'unit-secret' }],
		])('refuses an OEM (NIU) unit with %s of credentials_id and password', async (_case, extra) => {
			expectValidationError(await add(niu('NIU-20002', extra)), 'credentials_id', 'password');
		});

		it('refuses empty credentials', async () => {
			expectValidationError(await add(niu('NIU-20003', { password: '' })), 'password');
		});
	});

	describe('page size', () => {
		const list = (limit?: number) =>
			client.request('GET', `/vehicles${limit === undefined ? '' : `?limit=${limit}`}`, { token });

		it('answers a page above its maximum with a 400 naming limit and the maximum', async () => {
			sim.config.pageMax = 20;
			expect((await list(20)).body.items).toHaveLength(20);
			const refused = await list(21);
			expectValidationError(refused, 'limit', '20');
			// Without a limit the page is never larger than the maximum either.
			expect((await list()).body.items.length).toBeLessThanOrEqual(20);
			expect(sim.stats.listLimits).toEqual({ '20': 1, '21': 1 });
		});

		it('takes the maximum as a start option', async () => {
			const small = await startSimulator({ fleetSize: 5, pageMax: 3 });
			try {
				const smallClient = new TestClient(small.url);
				const response = await smallClient.request('GET', '/vehicles?limit=4', {
					token: await smallClient.token(),
				});
				expectValidationError(response, 'limit', '3');
			} finally {
				await small.close();
			}
		});
	});

	describe('commands', () => {
		it('takes a command only as its kebab-case path segment', async () => {
			const id = sim.vehicleIds()[0];
			const response = await client.request('POST', `/vehicles/${id}/commands/DRAW_ATTENTION`, {
				token,
			});
			expect(response.status).toBe(404);
			expect(sim.stats.commandsReceived).toEqual([]);
		});
	});
});

describe('the command line', () => {
	it('takes --page-max and says so at start', async () => {
		const child = spawn(
			process.execPath,
			[
				'-r',
				'ts-node/register',
				path.join(__dirname, 'cli.ts'),
				'--port',
				'0',
				'--no-events',
				'--fleet-size',
				'25',
				'--page-max',
				'20',
			],
			{
				env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PREFER_TS_EXTS: 'true' },
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		try {
			let output = '';
			const url = await new Promise<string>((resolve, reject) => {
				const onData = (chunk: Buffer) => {
					output += chunk.toString();
					const match = /listening on (http:\/\/\S+)/.exec(output);
					if (match && /page size/.test(output)) resolve(match[1]);
				};
				child.stdout.on('data', onData);
				child.stderr.on('data', onData);
				child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
			});
			expect(output).toMatch(/page size: at most 20/);
			const cliClient = new TestClient(url);
			const cliToken = await cliClient.token();
			const refused = await cliClient.request('GET', '/vehicles?limit=21', { token: cliToken });
			expect(refused.status).toBe(400);
			expect(refused.body.detail).toContain('limit');
			const page = await cliClient.request('GET', '/vehicles?limit=20', { token: cliToken });
			expect(page.body.items).toHaveLength(20);
		} finally {
			child.kill('SIGTERM');
		}
	}, 30_000);
});
