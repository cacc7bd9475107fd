import type { INodeType } from 'n8n-workflow';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { inversOneApiConnectionTest } from '../../nodes/credentialTest';
import { InversTrigger } from '../../nodes/InversTrigger/InversTrigger.node';
import { InversVehicleCommands } from '../../nodes/InversVehicleCommands/InversVehicleCommands.node';
import { InversVehicleLifecycle } from '../../nodes/InversVehicleLifecycle/InversVehicleLifecycle.node';
import { InversVehicleManagement } from '../../nodes/InversVehicleManagement/InversVehicleManagement.node';
import { clearAccessTokenCache } from '../../nodes/shared/transport/accessToken';
import { runCredentialTest } from '../harness/credentialTest';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { runNode } from '../harness/workflowRunner';
import { sendCommandParameters } from './commandsTestKit';

/** The REST part of the credential test (the AMQP part runs against RabbitMQ in test/trigger). */
const sim = useSimulator({ fleetSize: 3 });
beforeEach(() => {
	sim().faults.clear();
	clearAccessTokenCache();
});

const client = (clientId: string, clientSecret: string) =>
	runCredentialTest({ baseUrl: sim().url, clientId, clientSecret });

describe('credential test of the API client', () => {
	test('without an AMQP login the success message reads as a sentence', async () => {
		expect(await client('demo#client', 'demo-secret')).toEqual({
			status: 'OK',
			message: 'Connection successful: API client works',
		});
	});

	test('a client for commands only passes: its token works, it cannot read vehicles', async () => {
		const result = await client('commands#client', 'commands-secret');
		expect(result).toEqual({
			status: 'OK',
			message:
				'Connection successful: API client works (the token works, but this client cannot read vehicles: fine for a client that only sends commands; to read vehicles, grant it "vehicles.ro" (or "vehicles") in FleetControl)',
		});
		// And it does what it is for: a command goes through with the same credential.
		const { error, items } = await runNode({
			node: 'inversVehicleCommands',
			typeVersion: 1,
			parameters: sendCommandParameters(sim().vehicleIds()[0], 'DRAW_ATTENTION'),
			credentials: simulatorCredentials(sim(), 'commands#client', 'commands-secret'),
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ command: 'DRAW_ATTENTION', skipped: false });
	});

	test('a wrong secret still fails', async () => {
		const result = await client('commands#client', 'not-the-secret');
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^REST API: INVERS rejected the Client ID or Client Secret/);
	});

	test('a Base URL that answers the vehicle list with a web page is not the OneAPI', async () => {
		sim().faults.add({ kind: 'html', status: 200, method: 'GET', path: '^/vehicles$' });
		const result = await client('demo#client', 'demo-secret');
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/^REST API: http:\/\/127\.0\.0\.1:\d+ answered the vehicle list with HTTP 200 \(text\/html; charset=utf-8\) that is not the OneAPI's JSON: check the Base URL/,
		);
	});
});

describe('one credential test, four nodes', () => {
	it('every node tests the credential with the same function, which n8n may take from any of them', () => {
		const nodes = [
			new InversVehicleManagement(),
			new InversVehicleLifecycle(),
			new InversVehicleCommands(),
			new InversTrigger(),
		];
		// A versioned node tests the credential through each of its versions.
		const versions = nodes.flatMap((node): INodeType[] =>
			'nodeVersions' in node ? Object.values(node.nodeVersions) : [node],
		);
		expect(versions).toHaveLength(5);
		for (const node of versions) {
			expect(node.description.credentials).toEqual([
				expect.objectContaining({ name: 'inversOneApi', testedBy: 'inversOneApiConnectionTest' }),
			]);
			expect(node.methods?.credentialTest?.inversOneApiConnectionTest).toBe(
				inversOneApiConnectionTest,
			);
		}
	});

	it("the shared modules import nothing from a node's folder (the AMQP check lives with the trigger)", () => {
		const shared = path.join(__dirname, '..', '..', 'nodes', 'shared');
		const offending: string[] = [];
		const visit = (dir: string) => {
			for (const entry of readdirSync(dir, { withFileTypes: true })) {
				const file = path.join(dir, entry.name);
				if (entry.isDirectory()) visit(file);
				else if (file.endsWith('.ts')) {
					const source = readFileSync(file, 'utf8');
					for (const match of source.matchAll(/from\s+'([^']*\/Invers[A-Za-z]+\/[^']*)'/g)) {
						offending.push(`${path.relative(shared, file)}: ${match[1]}`);
					}
				}
			}
		};
		visit(shared);
		expect(offending).toEqual([]);
	});
});
