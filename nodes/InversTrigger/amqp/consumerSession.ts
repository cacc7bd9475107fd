import type { Channel, ChannelModel } from './amqplib';
import type { Logger } from 'n8n-workflow';

import type { AmqpTarget } from './connect';
import { describeQueueError, describeTarget, openConnection } from './connect';
import { ChannelLink, Delivery } from './delivery';
import { cancellableDelay } from '../timers';

export interface SessionOptions {
	queues: string[];
	prefetch: number;
	createQueueIfMissing: boolean;
	/** How long the broker may stay unreachable before the node gives up (to n8n's reactivation). */
	reconnectGiveUpMs: number;
	connectionName: string;
	/** Connect and check, but consume only after `startConsuming()` (manual test runs). */
	startPaused?: boolean;
	/** Back-off of reconnect attempts; tests shorten it. */
	backoff?: { initialMs: number; maxMs: number };
}

export interface SessionHandlers {
	onDelivery(delivery: Delivery): void;
	/** The outage lasted too long: hand over to n8n (`emitError`). */
	onGiveUp(error: Error): void;
}

const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000 };

/**
 * One AMQP connection with one consumer channel reading every configured queue, kept alive across
 * broker restarts and network failures: a lost connection is reopened with jittered exponential
 * back-off, and consumption resumes where the broker left it.
 */
export class ConsumerSession {
	private connection?: ChannelModel;
	private link?: ChannelLink;
	private consumerTags: string[] = [];
	private stopping = false;
	/** False once the consumers were cancelled (closing): a reconnect then does not resume. */
	private consuming: boolean;
	private reconnecting?: Promise<void>;
	private readonly abort = new AbortController();
	reconnects = 0;

	constructor(
		private readonly target: AmqpTarget,
		private readonly options: SessionOptions,
		private readonly handlers: SessionHandlers,
		private readonly logger: Logger,
	) {
		this.consuming = !options.startPaused;
	}

	/** First connection: errors are thrown as they are (the node turns them into activation errors). */
	async start(): Promise<void> {
		await this.connectAndConsume();
	}

	private async connectAndConsume(): Promise<void> {
		const connection = await openConnection(this.target, this.options.connectionName);
		// A listener must exist, or amqplib rethrows the 'error' event and crashes n8n.
		connection.on('error', (error: Error) =>
			this.logger.warn(`INVERS Trigger: broker connection error: ${error.message}`),
		);
		let link: ChannelLink | undefined;
		let ready = false;
		try {
			await this.checkQueues(connection);
			const channel = await connection.createChannel();
			link = new ChannelLink(channel, this.options.prefetch);
			const current = link;
			connection.on('close', () => this.lost(current, 'the connection closed'));
			channel.on('error', (error: Error) =>
				this.logger.warn(`INVERS Trigger: channel error: ${error.message}`),
			);
			channel.on('close', () => this.lost(current, 'the channel closed'));
			// Per consumer, and for several queues also per channel: the limit stays the limit.
			await channel.prefetch(this.options.prefetch, false);
			if (this.options.queues.length > 1) await channel.prefetch(this.options.prefetch, true);
			this.connection = connection;
			this.link = link;
			this.consumerTags = [];
			if (this.consuming) await this.consume(link);
			ready = true;
			// Closed while this (re)connect was under way: do not leave it open.
			if (this.stopping) await this.closeResources();
		} finally {
			if (!ready) {
				// Half set up: forget it before closing, so its close event does not count as a loss.
				if (link) link.open = false;
				if (link && this.link === link) {
					this.link = undefined;
					this.connection = undefined;
				}
				await connection.close().catch(() => undefined);
			}
		}
	}

	private async consume(link: ChannelLink): Promise<void> {
		for (const queue of this.options.queues) {
			const { consumerTag } = await link.channel.consume(
				queue,
				(message) => {
					if (message === null) {
						// The broker cancelled the consumer (queue deleted): start over.
						this.lost(link, `the broker cancelled the consumer of queue "${queue}"`);
						return;
					}
					this.handlers.onDelivery(new Delivery(message, queue, link));
				},
				{ noAck: false },
			);
			this.consumerTags.push(consumerTag);
		}
	}

	/** Starts consuming after a paused start. */
	async startConsuming(): Promise<void> {
		if (this.consuming) return;
		this.consuming = true;
		if (this.link?.open) await this.consume(this.link);
	}

	/** Checks each queue on a throwaway channel: a failed check closes the channel it ran on. */
	private async checkQueues(connection: ChannelModel): Promise<void> {
		for (const queue of this.options.queues) {
			let channel: Channel = await connection.createChannel();
			channel.on('error', () => undefined);
			try {
				await channel.checkQueue(queue);
			} catch (error) {
				const notFound = (error as { code?: number }).code === 404;
				if (!notFound || !this.options.createQueueIfMissing) {
					throw describeQueueError(error, queue, this.target);
				}
				// Local test brokers only (an explicit option): INVERS provisions its queues.
				channel = await connection.createChannel();
				channel.on('error', () => undefined);
				await channel.assertQueue(queue, { durable: true });
				this.logger.info(`INVERS Trigger: created missing queue "${queue}" (local broker option)`);
			}
			await channel.close().catch(() => undefined);
		}
	}

	/** Called from connection/channel close events and consumer cancellation. */
	private lost(link: ChannelLink, why: string): void {
		if (!link.open) return;
		link.open = false;
		if (this.stopping || link !== this.link) return;
		this.logger.warn(
			`INVERS Trigger: ${why} (${describeTarget(this.target)}); reconnecting and resuming consumption`,
		);
		const connection = this.connection;
		this.connection = undefined;
		this.link = undefined;
		this.consumerTags = [];
		// The channel may have died alone; its connection is replaced too, for a clean start.
		connection?.close().catch(() => undefined);
		this.reconnecting ??= this.reconnectLoop().finally(() => (this.reconnecting = undefined));
	}

	private async reconnectLoop(): Promise<void> {
		const lostAt = Date.now();
		const backoff = this.options.backoff ?? DEFAULT_BACKOFF;
		for (let attempt = 0; !this.stopping; attempt++) {
			// Full jitter on an exponential curve: many triggers restarting with one broker do not
			// reconnect in lockstep.
			const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt);
			const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
			if (!(await cancellableDelay(delay, this.abort.signal))) return;
			try {
				await this.connectAndConsume();
				// Lost again before this loop ended: its close event found the loop still running.
				if (!this.stopping && !this.link?.open) continue;
				this.reconnects++;
				this.logger.info(
					`INVERS Trigger: reconnected to ${describeTarget(this.target)} after ${Math.round((Date.now() - lostAt) / 1000)} s`,
				);
				return;
			} catch (error) {
				const outage = Date.now() - lostAt;
				const message = (error as Error).message;
				if (outage >= this.options.reconnectGiveUpMs) {
					this.handlers.onGiveUp(
						new Error(
							`Lost the event broker for ${Math.round(outage / 1000)} s and could not reconnect: ${message}`,
						),
					);
					return;
				}
				this.logger.warn(`INVERS Trigger: reconnect attempt ${attempt + 1} failed: ${message}`);
			}
		}
	}

	/** Stops new deliveries; running ones can still be acknowledged. */
	async cancelConsumers(): Promise<void> {
		const link = this.link;
		const tags = this.consumerTags;
		this.consuming = false;
		this.consumerTags = [];
		if (!link?.open) return;
		for (const tag of tags) {
			await link.channel.cancel(tag).catch(() => undefined);
		}
	}

	/** Closes channel and connection and stops reconnecting. Idempotent. */
	async shutdown(): Promise<void> {
		this.stopping = true;
		this.abort.abort();
		await this.closeResources();
		await this.reconnecting;
	}

	private async closeResources(): Promise<void> {
		const link = this.link;
		const connection = this.connection;
		this.link = undefined;
		this.connection = undefined;
		if (link) {
			// Acks requested just before closing, or held behind a running delivery, would otherwise
			// wait for a tick that comes too late.
			link.flushAll();
			link.open = false;
			await link.channel.close().catch(() => undefined);
		}
		await connection?.close().catch(() => undefined);
	}
}
