import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';

import type { IDataObject } from 'n8n-workflow';

import { openConnection } from '../../nodes/InversTrigger/amqp/connect';
import { clearAccessTokenCache } from '../../nodes/shared/transport/accessToken';
import type { Simulator } from '../../simulator';
import { DEMO_CLIENT, startSimulator } from '../../simulator';
import { runCredentialTest } from '../harness/credentialTest';
import { localCredentials, startTrigger } from '../harness/trigger';
import { stateRecorded } from '../harness/triggerAmqp';
import { useTriggerTestBed } from '../harness/triggerTestBed';

/**
 * A TCP server that records the first bytes of every connection and closes it: enough to see
 * whether a client connected at all, and what its TLS ClientHello carried.
 */
class FirstBytesServer {
	readonly received: Buffer[] = [];

	connections = 0;

	private server?: Server;

	port = 0;

	async start(host: string): Promise<this> {
		this.server = createServer((socket: Socket) => {
			this.connections++;
			socket.once('data', (chunk: Buffer) => {
				this.received.push(chunk);
				socket.destroy();
			});
			socket.on('error', () => undefined);
		});
		await new Promise<void>((resolve) => this.server!.listen(0, host, resolve));
		this.port = (this.server.address() as AddressInfo).port;
		return this;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
	}
}

const lanAddress = Object.values(networkInterfaces())
	.flat()
	.find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
const withLan = lanAddress ? describe : describe.skip;

withLan('AMQP without TLS to a broker that is not this machine', () => {
	let broker: FirstBytesServer;
	beforeEach(async () => {
		broker = await new FirstBytesServer().start(lanAddress!);
	});
	afterEach(async () => await broker.close());

	const remote = (extra: IDataObject = {}) =>
		localCredentials({ amqpHost: lanAddress, amqpPort: broker.port, ...extra });

	it('is refused at activation, naming the toggle, before the password is sent', async () => {
		await expect(
			startTrigger({ parameters: { queues: 'q' }, credentials: remote() }),
		).rejects.toThrow(
			`"Use TLS" is off for the AMQP host ${lanAddress}: the event consumer's password would travel unencrypted.`,
		);
		expect(broker.connections).toBe(0);
	});

	it('is refused by the credential test, before the password is sent', async () => {
		const result = await runCredentialTest(remote());
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Events \(AMQP\): "Use TLS" is off for the AMQP host/);
		expect(result.message).toContain('Allow Unencrypted Connections (test setups only)');
		expect(broker.connections).toBe(0);
	});

	it('is allowed with "Allow Unencrypted Connections" on (the connection is attempted)', async () => {
		const result = await runCredentialTest(remote({ allowUnencrypted: true }));
		expect(result.status).toBe('Error');
		expect(result.message).not.toMatch(/Use TLS/);
		expect(broker.connections).toBe(1);
	});
});

describe('AMQP with TLS', () => {
	let server: FirstBytesServer;
	beforeEach(async () => {
		server = await new FirstBytesServer().start('127.0.0.1');
	});
	afterEach(async () => await server.close());

	const hello = async (hostname: string) => {
		await openConnection(
			{ protocol: 'amqps', hostname, port: server.port, vhost: '/', username: 'u', password: 'p' },
			'test',
		).catch(() => undefined);
		return Buffer.concat(server.received);
	};

	it('names a host name in the TLS handshake (SNI), never an IP address', async () => {
		const byAddress = await hello('127.0.0.1');
		expect(byAddress.length).toBeGreaterThan(0);
		expect(byAddress.includes(Buffer.from('127.0.0.1'))).toBe(false);
		server.received.length = 0;
		const byName = await hello('localhost');
		expect(byName.includes(Buffer.from('localhost'))).toBe(true);
	});
});

describe('Include Vehicle: what goes into the path, what comes back', () => {
	const bed = useTriggerTestBed();
	let sim: Simulator;
	beforeEach(async () => {
		clearAccessTokenCache();
		sim = await startSimulator({ fleetSize: 3 });
	});
	afterEach(async () => await sim.close());

	it.each(['..', '../auth/oauth/token', 'a b'])(
		'"%s" is not put into a URL path: the event is reported, nothing is requested',
		async (vehicleId) => {
			const trigger = await bed.start(
				{ queues: bed.broker.states, includeVehicle: true, options: { prefetch: 1 } },
				'success',
				{
					credentials: {
						baseUrl: sim.url,
						clientId: DEMO_CLIENT.clientId,
						clientSecret: DEMO_CLIENT.clientSecret,
					},
				},
			);
			await bed.broker.publisher.publish(stateRecorded(vehicleId));
			await bed.broker.publisher.publish(stateRecorded(sim.vehicleIds()[0]));
			await trigger.waitForExecutions(2);
			const [bad, good] = trigger.executions.map((execution) => execution.items[0]);
			const error = String(bad.enrichment_error);
			expect(bad.vehicle).toBeNull();
			expect(error).toContain(`"${vehicleId}" is not a vehicle ID`);
			expect(error).toContain('only letters, digits, "-" and "_"');
			expect((good.vehicle as IDataObject).id).toBe(sim.vehicleIds()[0]);
			// Only the good event's vehicle was read: nothing else reached the API.
			const { tokenRequests, requests } = sim.stats;
			expect({ tokenRequests, requests }).toEqual({
				tokenRequests: 1,
				requests: { 'GET /vehicles/:id': 1 },
			});
		},
		30000,
	);

	it('a vehicle answered with a web page is reported on the item, not passed on as the vehicle', async () => {
		const [vehicleId] = sim.vehicleIds();
		sim.faults.add({ kind: 'html', status: 200, method: 'GET', path: '^/vehicles/' });
		const trigger = await bed.start(
			{ queues: bed.broker.states, includeVehicle: true, options: { prefetch: 1 } },
			'success',
			{
				credentials: {
					baseUrl: sim.url,
					clientId: DEMO_CLIENT.clientId,
					clientSecret: DEMO_CLIENT.clientSecret,
				},
			},
		);
		await bed.broker.publisher.publish(stateRecorded(vehicleId));
		await trigger.waitForExecutions(1);
		const item = trigger.executions[0].items[0];
		expect(item.vehicle).toBeNull();
		expect(String(item.enrichment_error)).toMatch(
			/answered HTTP 200 \(text\/html; charset=utf-8\) with a web page instead of the JSON object/,
		);
	}, 30000);
});
