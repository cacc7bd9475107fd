/**
 * The consumers `npm run bench:trigger` compares, each started on a queue through a port (the
 * drops phase puts a proxy between consumer and broker):
 * - INVERS Trigger: run through n8n-core's TriggerContext (test/harness/trigger.ts), every
 *   execution completes at once; defaults: acknowledged after the execution finished, prefetch 10,
 *   de-duplication and Simplify on;
 * - bare amqplib: a plain consumer doing the same acks (parse, then ack), prefetch 10;
 * - bare amqplib, batched: the same, with one multiple-ack per batch of messages, as the INVERS
 *   Trigger sends them (a reference, not a target);
 * - bare amqplib (second copy), with `--only` alone: the noise floor of the comparison;
 * - n8n's own RabbitMQ trigger (n8n-nodes-base from `bench/n8n-rabbitmq` after
 *   `cd bench/n8n-rabbitmq && npm i --ignore-scripts`, or from the n8n `npm start` installed),
 *   same settings.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { connect } from 'amqplib';
import type { IDataObject, INodeType } from 'n8n-workflow';

import { N8N_DIR } from '../scripts/sandbox/paths';
import type { TriggerRun } from '../test/harness/trigger';
import { localCredentials, startTrigger } from '../test/harness/trigger';

/** What a contender reports per emitted event. */
export type OnEvent = (eventId: string, publishedAt: number | undefined) => void;

export interface Contender {
	name: string;
	/** Starts consuming `queue` through `port`; resolves with a stop function. */
	start(
		queue: string,
		port: number,
		onEvent: OnEvent,
	): Promise<{ stop(): Promise<void>; errors: () => number }>;
}

export interface ContenderOptions {
	prefetch: number;
}

function readPublishedAt(data: unknown): number | undefined {
	const value = (data as { bench_published_at?: unknown } | undefined)?.bench_published_at;
	return typeof value === 'number' ? value : undefined;
}

function inversTrigger({ prefetch }: ContenderOptions): Contender {
	return {
		name: 'INVERS Trigger',
		async start(queue, port, onEvent) {
			let run: TriggerRun | undefined = undefined;
			run = await startTrigger({
				parameters: { queues: queue, options: { prefetch } } as never,
				credentials: localCredentials({ amqpPort: port }),
				policy: (execution) => {
					const item = execution.items[0];
					onEvent(String(item.event_id), readPublishedAt(item.data));
					execution.succeed();
					// The harness keeps executions for tests; a long benchmark does not need them.
					if (run) run.executions.length = 0;
				},
			});
			const started = run;
			return { stop: async () => await started.close(), errors: () => started.errors.length };
		},
	};
}

/**
 * A plain amqplib consumer: parse, report, acknowledge. `batched`: instead of one ack per message,
 * one multiple-ack per batch of messages handled together, as the INVERS Trigger sends them. That
 * one is a reference, not a target: it shows what is left between the trigger and the fastest
 * plain consumer.
 */
function bareConsumer(name: string, batched: boolean, { prefetch }: ContenderOptions): Contender {
	return {
		name,
		async start(queue, port, onEvent) {
			const connection: ChannelModel = await connect(`amqp://guest:guest@127.0.0.1:${port}`);
			let errors = 0;
			connection.on('error', () => errors++);
			const channel = await connection.createChannel();
			channel.on('error', () => errors++);
			await channel.prefetch(prefetch);
			let lastUnacked: ConsumeMessage | undefined;
			const flush = () => {
				// Answered in order, so everything up to the last one is acknowledged.
				if (lastUnacked) channel.ack(lastUnacked, true);
				lastUnacked = undefined;
			};
			await channel.consume(queue, (message) => {
				if (!message) return;
				const body = JSON.parse(message.content.toString()) as {
					metadata: { id: string };
					data: unknown;
				};
				onEvent(body.metadata.id, readPublishedAt(body.data));
				if (!batched) {
					channel.ack(message);
					return;
				}
				if (!lastUnacked) queueMicrotask(flush);
				lastUnacked = message;
			});
			return {
				// The channel first: its close waits for the broker, so every ack sent was counted.
				stop: async () => {
					await channel.close().catch(() => undefined);
					await connection.close().catch(() => undefined);
				},
				errors: () => errors,
			};
		},
	};
}

/**
 * n8n's RabbitMQ trigger from `bench/n8n-rabbitmq` (its own install), else from the n8n that
 * `npm start` and the end-to-end tests install into the cache folder: the same version either way.
 */
function findN8nRabbitMqTrigger(): string | undefined {
	const nodeFile = 'node_modules/n8n-nodes-base/dist/nodes/RabbitMQ/RabbitMQTrigger.node.js';
	return [path.join(__dirname, 'n8n-rabbitmq', nodeFile), path.join(N8N_DIR, nodeFile)].find(
		(candidate) => existsSync(candidate),
	);
}

/** The contender, or why it is skipped. */
function n8nRabbitMqTrigger({ prefetch }: ContenderOptions): Contender | string {
	const file = findN8nRabbitMqTrigger();
	if (!file) {
		return `n8n RabbitMQ Trigger skipped: n8n-nodes-base is neither in bench/n8n-rabbitmq (cd bench/n8n-rabbitmq && npm i --ignore-scripts) nor in ${N8N_DIR} (npm start installs it)`;
	}
	let nodeType: INodeType;
	try {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const loaded = require(file) as { RabbitMQTrigger: new () => INodeType };
		nodeType = new loaded.RabbitMQTrigger();
	} catch (error) {
		return `n8n RabbitMQ Trigger skipped: loading it failed (${(error as Error).message.split('\n')[0]})`;
	}
	return {
		name: "n8n's RabbitMQ Trigger",
		async start(queue, port, onEvent) {
			let run: TriggerRun | undefined = undefined;
			run = await startTrigger({
				nodeType,
				credentialType: 'rabbitmq',
				parameters: {
					queue,
					options: {
						acknowledge: 'executionFinished',
						parallelMessages: prefetch,
						jsonParseBody: true,
						onlyContent: true,
					},
				} as never,
				credentials: {
					hostname: '127.0.0.1',
					port,
					username: 'guest',
					password: 'guest',
					vhost: '/',
					ssl: false,
				},
				policy: (execution) => {
					const content = execution.items[0] as IDataObject;
					const metadata = content.metadata as IDataObject | undefined;
					onEvent(String(metadata?.id), readPublishedAt(content.data));
					execution.succeed();
					if (run) run.executions.length = 0;
				},
			});
			const started = run;
			return { stop: async () => await started.close(), errors: () => started.errors.length };
		},
	};
}

/** Keys for the command line and the drain child process. */
export const CONTENDER_KEYS = ['invers', 'bare', 'batched', 'n8n', 'bare2'] as const;
export type ContenderKey = (typeof CONTENDER_KEYS)[number];
/**
 * Only with `--only`: `bare2`, a second copy of bare amqplib, measures the noise floor (how far
 * identical code lands from itself in one round).
 */
export const OPT_IN_CONTENDERS: readonly ContenderKey[] = ['bare2'];

/** The contender of `key`, or why it is not available. */
export function contender(key: ContenderKey, options: ContenderOptions): Contender | string {
	switch (key) {
		case 'invers':
			return inversTrigger(options);
		case 'bare':
			return bareConsumer('bare amqplib', false, options);
		case 'batched':
			return bareConsumer('bare amqplib, batched', true, options);
		case 'bare2':
			return bareConsumer('bare amqplib (second copy)', false, options);
		case 'n8n':
			return n8nRabbitMqTrigger(options);
	}
}
