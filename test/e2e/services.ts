/**
 * The local services the end-to-end suites and the n8n benchmarks share: RabbitMQ's test queues,
 * PostgreSQL through psql and Redis through redis-cli. No jest here, so the benchmarks can use it too.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import type { AmqpPublisher } from '../../simulator/amqpPublisher';

const execFileAsync = promisify(execFile);

export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** Removes a test fleet's queues (they are durable) once a suite is done with them. */
export async function deleteQueues(publisher: AmqpPublisher): Promise<void> {
	const { connect } = await import('amqplib');
	const connection = await connect(AMQP_URL);
	try {
		const channel = await connection.createChannel();
		for (const queue of [
			...Object.values(publisher.queues),
			...Object.values(publisher.deadLetterQueues),
		]) {
			await channel.deleteQueue(queue).catch(() => undefined);
		}
		if (publisher.exchange !== 'invers.events') {
			await channel.deleteExchange(publisher.exchange).catch(() => undefined);
			await channel.deleteExchange(`${publisher.exchange}.dead-letter`).catch(() => undefined);
		}
		await channel.close().catch(() => undefined);
	} finally {
		await connection.close().catch(() => undefined);
	}
}

/** Removes the Redis keys of a Bull queue prefix (queue mode) once a suite is done. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
	const { stdout } = await execFileAsync('redis-cli', ['--scan', '--pattern', `${prefix}:*`]);
	const keys = stdout.split('\n').filter(Boolean);
	if (keys.length) await execFileAsync('redis-cli', ['del', ...keys]);
}

/** Runs SQL with psql; the output unaligned, tab-separated. `maxBuffer`: the output's byte limit. */
export async function psql(database: string, sql: string, maxBuffer = 2 ** 20): Promise<string> {
	const { stdout } = await execFileAsync(
		'psql',
		[
			'-h',
			'127.0.0.1',
			'-U',
			'postgres',
			'-d',
			database,
			'-v',
			'ON_ERROR_STOP=1',
			'-At',
			'-F',
			'\t',
			'-c',
			sql,
		],
		{ maxBuffer },
	);
	return stdout;
}

/** A fresh database for a suite (dropped by `dropDatabase`). */
export async function createDatabase(name: string): Promise<void> {
	await psql('postgres', `DROP DATABASE IF EXISTS "${name}"`);
	await psql('postgres', `CREATE DATABASE "${name}"`);
}

export async function dropDatabase(name: string): Promise<void> {
	await psql('postgres', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
}
