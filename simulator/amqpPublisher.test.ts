/**
 * The sandbox's own queues are bounded (nothing may consume them for days), against the real
 * RabbitMQ; an existing queue declared without the bounds is refused with what to do.
 */
import type { ChannelModel } from 'amqplib';
import { connect } from 'amqplib';

import { BROKER_URL, uniqueName } from '../test/harness/triggerAmqp';
import type { AmqpPublisher, QueueLimits } from './amqpPublisher';
import { createAmqpPublisher } from './amqpPublisher';

const TOPICS = [{ name: 'vehicle-states', eventTypes: ['VehicleStateRecorded'] }];

let admin: ChannelModel;
const cleanup: Array<{ exchange: string; queues: string[] }> = [];

beforeAll(async () => {
	admin = await connect(BROKER_URL);
});

afterAll(async () => {
	const channel = await admin.createChannel();
	for (const { exchange, queues } of cleanup) {
		for (const queue of queues) await channel.deleteQueue(queue).catch(() => undefined);
		await channel.deleteExchange(exchange).catch(() => undefined);
		await channel.deleteExchange(`${exchange}.dead-letter`).catch(() => undefined);
	}
	await admin.close();
});

/** A publisher of a fleet and exchange of its own (removed after the suite). */
async function publisherOfNewFleet(queueLimits?: QueueLimits, fleetId = uniqueName('limits')) {
	const exchange = `invers.events.${fleetId}`;
	const queue = `fleet-${fleetId}.vehicle-states`;
	cleanup.push({ exchange, queues: [queue, `${queue}.dead-letter`] });
	const publisher = await createAmqpPublisher({
		url: BROKER_URL,
		exchange,
		fleetId,
		topics: TOPICS,
		queueLimits,
	});
	return { fleetId, queue, publisher };
}

async function publishStates(publisher: AmqpPublisher, count: number) {
	for (let i = 0; i < count; i++) {
		await publisher.publish({
			metadata: { id: `event-${i}`, type: 'VehicleStateRecorded' },
			data: { vehicle_id: `vehicle-${i}`, vehicle_state: {} },
		});
	}
}

async function messageCount(queue: string): Promise<number> {
	const channel = await admin.createChannel();
	try {
		return (await channel.checkQueue(queue)).messageCount;
	} finally {
		await channel.close();
	}
}

describe('queue bounds', () => {
	it('keeps at most --queue-max-length messages in a queue and in its dead-letter queue', async () => {
		const { queue, publisher } = await publisherOfNewFleet({ maxLength: 3 });
		try {
			await publishStates(publisher, 8);
			expect(await messageCount(queue)).toBe(3);
			// The oldest are dropped into the dead-letter queue, which is bounded the same way.
			expect(await messageCount(`${queue}.dead-letter`)).toBe(3);
		} finally {
			await publisher.close();
		}
	});

	it('drops messages older than --queue-ttl', async () => {
		const { queue, publisher } = await publisherOfNewFleet({ messageTtlMs: 200 });
		try {
			await publishStates(publisher, 2);
			await new Promise((resolve) => setTimeout(resolve, 600));
			expect(await messageCount(queue)).toBe(0);
		} finally {
			await publisher.close();
		}
	});

	it('refuses a queue that exists without the bounds, naming it and how to fix it', async () => {
		const unbounded = await publisherOfNewFleet();
		await unbounded.publisher.close();
		const { queue, fleetId } = unbounded;
		const attempt = publisherOfNewFleet({ maxLength: 10 }, fleetId);
		// Closed should it wrongly succeed, so that the suite still ends.
		attempt.then(({ publisher }) => publisher.close()).catch(() => undefined);
		await expect(attempt).rejects.toThrow(
			new RegExp(
				`queue ${queue}.* exists with other arguments.*rabbitmqctl delete_queue ${queue}`,
				's',
			),
		);
	});
});
