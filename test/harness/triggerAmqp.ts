import { randomBytes, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';

import type { Channel, ChannelModel } from 'amqplib';
import { connect } from 'amqplib';

import type { AmqpPublisher, EventEnvelope } from '../../simulator/amqpPublisher';
import { createAmqpPublisher } from '../../simulator/amqpPublisher';

export const BROKER_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** A fresh suffix so parallel tests never share queues or exchanges. */
export function uniqueName(prefix: string): string {
	return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** INVERS-like provisioning under unique names; `cleanup` deletes what it created (tests only). */
export interface Provisioned {
	publisher: AmqpPublisher;
	changes: string;
	states: string;
	trips: string;
	deadLetter: (queue: string) => string;
	admin: Channel;
	queueDepth(queue: string): Promise<number>;
	cleanup(): Promise<void>;
}

export async function provision(): Promise<Provisioned> {
	const fleetId = uniqueName('t');
	const exchange = uniqueName('test-events');
	const publisher = await createAmqpPublisher({ url: BROKER_URL, exchange, fleetId });
	const adminConnection: ChannelModel = await connect(BROKER_URL);
	adminConnection.on('error', () => undefined);
	const admin = await adminConnection.createChannel();
	admin.on('error', () => undefined);
	const queues = [...Object.values(publisher.queues), ...Object.values(publisher.deadLetterQueues)];
	return {
		publisher,
		changes: publisher.queues['vehicle-changes'],
		states: publisher.queues['vehicle-states'],
		trips: publisher.queues.trips,
		deadLetter: (queue) => `${queue}.dead-letter`,
		admin,
		async queueDepth(queue) {
			// A channel per check: a failed check (missing queue) closes the channel it ran on.
			const channel = await adminConnection.createChannel();
			channel.on('error', () => undefined);
			try {
				return (await channel.checkQueue(queue)).messageCount;
			} finally {
				await channel.close().catch(() => undefined);
			}
		},
		async cleanup() {
			await publisher.close();
			const channel = await adminConnection.createChannel();
			channel.on('error', () => undefined);
			for (const queue of queues) await channel.deleteQueue(queue).catch(() => undefined);
			await channel.deleteExchange(exchange).catch(() => undefined);
			await channel.deleteExchange(`${exchange}.dead-letter`).catch(() => undefined);
			await adminConnection.close().catch(() => undefined);
		},
	};
}

let sequence = 0;

export function vehicleChanged(
	vehicleId: string,
	reasons: string[] = ['MASTER_DATA_CHANGED'],
	overrides: Partial<EventEnvelope['metadata']> = {},
): EventEnvelope {
	return {
		metadata: {
			id: randomUUID(),
			type: 'VehicleChanged',
			schema_major_version: 1,
			occurred_at: new Date(Date.UTC(2026, 0, 1, 12, 0, sequence++ % 60)).toISOString(),
			flow_id: randomUUID(),
			...overrides,
		},
		data: {
			vehicle: { id: vehicleId, fleet_id: 'fleet-1', master_data: { license_plate: 'M-IV 1' } },
			reasons,
		},
	};
}

export function stateRecorded(
	vehicleId: string,
	overrides: Partial<EventEnvelope['metadata']> = {},
): EventEnvelope {
	return {
		metadata: {
			id: randomUUID(),
			type: 'VehicleStateRecorded',
			schema_major_version: 1,
			occurred_at: '2026-01-01T12:00:05.123Z',
			flow_id: randomUUID(),
			...overrides,
		},
		data: {
			vehicle_id: vehicleId,
			vehicle_state: {
				central_lock: { timestamp: '2026-01-01T12:00:01Z', value: 'LOCKED' },
				mileage_in_kilometers: { timestamp: '2026-01-01T12:00:04.500Z', value: 1234 },
			},
		},
	};
}

/**
 * A TCP proxy in front of the broker that a test can cut: every open connection is destroyed,
 * as a network failure or broker restart would, without touching other tests' connections.
 */
export interface CuttableProxy {
	port: number;
	/** Connections currently open through the proxy. */
	readonly openConnections: number;
	cut(): void;
	close(): Promise<void>;
}

export async function startProxy(targetPort = 5672): Promise<CuttableProxy> {
	const sockets = new Set<net.Socket>();
	const server = net.createServer((client) => {
		const upstream = net.connect(targetPort, '127.0.0.1');
		sockets.add(client);
		sockets.add(upstream);
		const drop = () => {
			client.destroy();
			upstream.destroy();
			sockets.delete(client);
			sockets.delete(upstream);
		};
		client.on('error', drop).on('close', drop);
		upstream.on('error', drop).on('close', drop);
		client.pipe(upstream);
		upstream.pipe(client);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as net.AddressInfo).port;
	return {
		port,
		get openConnections() {
			return sockets.size / 2;
		},
		cut() {
			for (const socket of sockets) socket.destroy();
			sockets.clear();
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

const run = promisify(execFile);

/** Connection names the broker lists (rabbitmqctl, root only). */
export async function brokerConnectionNames(): Promise<string[]> {
	const { stdout } = await run('rabbitmqctl', ['-q', 'list_connections', 'client_properties'], {
		timeout: 20_000,
	});
	return [...stdout.matchAll(/"connection_name","([^"]*)"/g)].map((match) => match[1]);
}

/**
 * Makes the broker itself close the connections with this name, or whose name matches (as on a
 * broker shutdown). Only those: other tests' and benchmarks' connections stay up.
 */
export async function brokerCloseConnections(
	connectionName: string | ((name: string) => boolean),
): Promise<number> {
	const matches =
		typeof connectionName === 'string' ? (name: string) => name === connectionName : connectionName;
	const { stdout } = await run(
		'rabbitmqctl',
		['-q', 'list_connections', 'pid', 'client_properties'],
		{
			timeout: 20_000,
		},
	);
	const pids = stdout
		.split('\n')
		.filter((line) => {
			const name = /"connection_name","([^"]*)"/.exec(line)?.[1];
			return name !== undefined && matches(name);
		})
		.map((line) => line.split('\t')[0]);
	for (const pid of pids) {
		await run('rabbitmqctl', ['-q', 'close_connection', pid, 'test: broker-side close'], {
			timeout: 20_000,
		});
	}
	return pids.length;
}

export async function until(
	condition: () => boolean | Promise<boolean>,
	timeoutMs = 10_000,
	what = 'condition',
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}
