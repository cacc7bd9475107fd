import type { EventEmitter } from 'node:events';

import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { connect } from 'amqplib';

import { eventNames } from './apiNames';

/**
 * Publishes simulator events to a RabbitMQ the way the INVERS Events API delivers them: a topic
 * exchange, one durable queue per topic (bound by event type), each with a dead-letter exchange
 * and dead-letter queue, and AMQP properties mirroring the envelope [doc].
 */

export interface EventEnvelope {
	metadata: {
		id: string;
		type: string;
		schema_major_version?: number;
		occurred_at?: string;
		flow_id?: string;
	};
	data: unknown;
}

export interface TopicDefinition {
	/** Topic name, part of the queue name: `fleet-<fleetId>.<name>`. */
	name: string;
	/** Event types the topic holds (routing keys of its binding). */
	eventTypes: string[];
	/** Queue name instead of `fleet-<fleetId>.<name>`. */
	queue?: string;
}

/**
 * Bounds of the simulator's own queues (and their dead-letter queues), for a sandbox whose queues
 * nothing may consume for days: the oldest messages are dropped beyond them. INVERS's queues are
 * INVERS's: the node never declares or changes them.
 */
export interface QueueLimits {
	/** x-max-length: beyond it the oldest message is dropped (dead-lettered, then dropped there). */
	maxLength?: number;
	/** x-message-ttl in ms: an older message is dropped. */
	messageTtlMs?: number;
}

export interface AmqpPublisherOptions {
	url?: string;
	exchange?: string;
	fleetId?: string;
	topics?: TopicDefinition[];
	queueLimits?: QueueLimits;
}

/** The queue of a topic: `fleet-<fleetId>.<topic>`, as FleetControl names an event consumer's. */
export function queueName(fleetId: string, topic: TopicDefinition): string {
	return topic.queue ?? `fleet-${fleetId}.${topic.name}`;
}

/**
 * RabbitMQ refuses to declare an existing queue with other arguments (406 PRECONDITION_FAILED):
 * e.g. a queue of an older sandbox declared without bounds. Says which queue and what to do.
 */
export class QueueArgumentsError extends Error {}

async function declareQueue(
	connection: ChannelModel,
	channel: ConfirmChannel,
	queue: string,
	options: Parameters<ConfirmChannel['assertQueue']>[1],
): Promise<void> {
	try {
		await channel.assertQueue(queue, options);
	} catch (error) {
		if ((error as { code?: number }).code !== 406) throw error;
		await connection.close().catch(() => undefined);
		throw new QueueArgumentsError(
			`The queue ${queue} already exists with other arguments than ${JSON.stringify(options)} ` +
				`(declared by an older version or another program), and RabbitMQ refuses to change ` +
				`them. Delete it (its messages too): rabbitmqctl delete_queue ${queue}, or use another ` +
				`fleet id. (${(error as Error).message})`,
		);
	}
}

function limitArguments(limits: QueueLimits = {}) {
	return {
		...(limits.maxLength !== undefined && { maxLength: limits.maxLength }),
		...(limits.messageTtlMs !== undefined && { messageTtl: limits.messageTtlMs }),
	};
}

export interface AmqpPublisher {
	/** Queue name per topic name. */
	readonly queues: Record<string, string>;
	/** Dead-letter queue per topic name. */
	readonly deadLetterQueues: Record<string, string>;
	readonly exchange: string;
	/** Resolves once the broker confirmed the message. */
	publish(envelope: EventEnvelope): Promise<void>;
	/** Publishes a raw body with the given routing key (malformed-message tests). */
	publishRaw(routingKey: string, body: Buffer, properties?: Record<string, unknown>): Promise<void>;
	close(): Promise<void>;
}

export const DEFAULT_TOPICS: TopicDefinition[] = [
	{ name: 'vehicle-changes', eventTypes: [eventNames.vehicleChanged] },
	{ name: 'vehicle-states', eventTypes: [eventNames.vehicleStateRecorded] },
	{ name: 'trips', eventTypes: ['TripStarted', 'TripEnded', 'TripMetricsReady'] },
];

/**
 * The queues of a second event consumer (FleetControl allows five per fleet) subscribed to the same
 * two topics, as the fleet state mirror example uses them: a consumer of its own, so the mirror and
 * the alert and sync examples each get every event instead of competing for one queue's messages.
 */
export const MIRROR_TOPICS: TopicDefinition[] = [
	{ name: 'mirror.vehicle-states', eventTypes: [eventNames.vehicleStateRecorded] },
	{ name: 'mirror.vehicle-changes', eventTypes: [eventNames.vehicleChanged] },
];

/** What `npm start` and the end-to-end tests publish to: the default topics and the mirror's. */
export const SANDBOX_TOPICS: TopicDefinition[] = [...DEFAULT_TOPICS, ...MIRROR_TOPICS];

/** AMQP properties of an event as INVERS sets them [doc]. */
export function eventProperties(envelope: EventEnvelope) {
	const { metadata } = envelope;
	const occurredAt = metadata.occurred_at ? Date.parse(metadata.occurred_at) : Date.now();
	return {
		messageId: metadata.id,
		type: metadata.type,
		timestamp: Math.floor(occurredAt / 1000),
		correlationId: metadata.flow_id,
		headers: { [eventNames.schemaMajorVersionHeader]: metadata.schema_major_version ?? 1 },
		contentType: 'application/json',
		persistent: true,
	};
}

export async function createAmqpPublisher(
	options: AmqpPublisherOptions = {},
): Promise<AmqpPublisher> {
	const url = options.url ?? 'amqp://guest:guest@127.0.0.1:5672';
	const exchange = options.exchange ?? 'invers.events';
	const fleetId = options.fleetId ?? 'demo';
	const topics = options.topics ?? DEFAULT_TOPICS;
	const deadLetterExchange = `${exchange}.dead-letter`;

	const connection: ChannelModel = await connect(url);
	connection.on('error', () => undefined);
	const channel: ConfirmChannel = await connection.createConfirmChannel();
	channel.on('error', () => undefined);

	await channel.assertExchange(exchange, 'topic', { durable: true });
	await channel.assertExchange(deadLetterExchange, 'direct', { durable: true });
	const queues: Record<string, string> = {};
	const deadLetterQueues: Record<string, string> = {};
	// What is dropped for the bounds is dead-lettered: the dead-letter queue is bounded alike.
	const limits = limitArguments(options.queueLimits);
	for (const topic of topics) {
		const queue = queueName(fleetId, topic);
		const deadLetterQueue = `${queue}.dead-letter`;
		await declareQueue(connection, channel, deadLetterQueue, { durable: true, ...limits });
		await channel.bindQueue(deadLetterQueue, deadLetterExchange, queue);
		await declareQueue(connection, channel, queue, {
			durable: true,
			deadLetterExchange,
			deadLetterRoutingKey: queue,
			...limits,
		});
		for (const eventType of topic.eventTypes) {
			await channel.bindQueue(queue, exchange, eventType);
		}
		queues[topic.name] = queue;
		deadLetterQueues[topic.name] = deadLetterQueue;
	}

	async function send(
		routingKey: string,
		body: Buffer,
		properties: Record<string, unknown>,
	): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			channel.publish(exchange, routingKey, body, properties, (error) =>
				error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
			);
		});
	}

	return {
		queues,
		deadLetterQueues,
		exchange,
		async publish(envelope) {
			await send(
				envelope.metadata.type,
				Buffer.from(JSON.stringify(envelope)),
				eventProperties(envelope),
			);
		},
		async publishRaw(routingKey, body, properties = {}) {
			await send(routingKey, body, { persistent: true, ...properties });
		},
		async close() {
			await channel.close().catch(() => undefined);
			await connection.close().catch(() => undefined);
		},
	};
}

/**
 * Wires the simulator's event stream to the broker: `attachPublisher(sim.events, publisher)`.
 * Returns a function that detaches it. Publish failures are re-emitted as 'publishError'.
 */
export function attachPublisher(source: EventEmitter, publisher: AmqpPublisher): () => void {
	const listener = (envelope: EventEnvelope) => {
		publisher.publish(envelope).catch((error) => source.emit('publishError', error));
	};
	source.on('event', listener);
	return () => source.off('event', listener);
}
