/** Queues of events for `npm run bench:trigger`: one fresh queue per measurement. */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { connect } from 'amqplib';

import type { AmqpPublisher, EventEnvelope } from '../simulator/amqpPublisher';
import { createAmqpPublisher } from '../simulator/amqpPublisher';
import { uniqueName } from '../test/harness/triggerAmqp';

const BROKER = 'amqp://guest:guest@127.0.0.1:5672';
/** One topic holding both event types, as a consumer subscribed to both sees them. */
const TOPIC = 'vehicle-events';

export const now = () => performance.timeOrigin + performance.now();

/** A vehicle's state as INVERS records it: every property with its own timestamp. */
function vehicleState(at: string): Record<string, { timestamp: string; value: unknown }> {
	const state: Record<string, unknown> = {
		central_lock: 'LOCKED',
		ignition: 'OFF',
		state_of_charge_or_fuel_level_in_percent: 71,
		mileage_in_kilometers: 12_345,
		position: { lat: 52.52, lon: 13.405 },
		board_voltage_in_volts: 12.6,
		keyfob_present: false,
		speed_in_kilometers_per_hour: 0,
	};
	return Object.fromEntries(
		Object.entries(state).map(([name, value]) => [name, { timestamp: at, value }]),
	);
}

/** Every other event a VehicleChanged, the rest VehicleStateRecorded (Simplify flattens those). */
export function benchEvent(index: number): EventEnvelope {
	const occurredAt = new Date().toISOString();
	const metadata = {
		id: randomUUID(),
		type: index % 2 ? 'VehicleStateRecorded' : 'VehicleChanged',
		schema_major_version: 1,
		occurred_at: occurredAt,
		flow_id: randomUUID(),
	};
	const data =
		index % 2
			? { vehicle_id: 'JQ7RP', vehicle_state: vehicleState(occurredAt) }
			: {
					vehicle: { id: 'JQ7RP', fleet_id: 'bench', master_data: { license_plate: 'M-IV 1' } },
					reasons: ['LIFE_STATUS_CHANGED'],
				};
	return { metadata, data };
}

export async function freshQueue(): Promise<{ publisher: AmqpPublisher; queue: string }> {
	const publisher = await createAmqpPublisher({
		url: BROKER,
		exchange: uniqueName('bench-events'),
		fleetId: uniqueName('bench'),
		topics: [{ name: TOPIC, eventTypes: ['VehicleChanged', 'VehicleStateRecorded'] }],
	});
	return { publisher, queue: publisher.queues[TOPIC] };
}

/** Publishes `count` events (confirmed), optionally paced; `ids` collects their event ids. */
export async function publishMany(
	publisher: AmqpPublisher,
	count: number,
	options: { ratePerSecond?: number; ids?: Set<string> } = {},
): Promise<void> {
	const window: Promise<void>[] = [];
	const started = now();
	for (let i = 0; i < count; i++) {
		if (options.ratePerSecond) {
			const due = started + (i / options.ratePerSecond) * 1000;
			const wait = due - now();
			if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
		}
		const event = benchEvent(i);
		(event.data as Record<string, unknown>).bench_published_at = now();
		options.ids?.add(event.metadata.id);
		window.push(publisher.publish(event));
		if (window.length >= 2000) await Promise.all(window.splice(0));
	}
	await Promise.all(window);
}

/** Deletes the queue and its exchanges; returns how many messages were left in it. */
export async function removeQueue(publisher: AmqpPublisher): Promise<number> {
	const connection = await connect(BROKER);
	const channel = await connection.createChannel();
	const queue = publisher.queues[TOPIC];
	const left = (await channel.checkQueue(queue)).messageCount;
	await channel.deleteQueue(queue);
	await channel.deleteQueue(publisher.deadLetterQueues[TOPIC]);
	await channel.deleteExchange(publisher.exchange);
	await channel.deleteExchange(`${publisher.exchange}.dead-letter`);
	await publisher.close();
	await connection.close();
	return left;
}
