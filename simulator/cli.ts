/**
 * Runs the simulator from a terminal:
 *   npx tsx simulator/cli.ts --port 8787 --fleet-size 500 --rate-limit 20/1000
 * Then point the n8n credential's base URL at the printed URL.
 */
import {
	DEFAULT_CLIENTS,
	DEFAULT_OPTIONS,
	type Simulator,
	type SimulatorOptions,
	startSimulator,
} from './index';
import type { AmqpPublisher, QueueLimits } from './amqpPublisher';
import {
	QueueArgumentsError,
	SANDBOX_TOPICS,
	attachPublisher,
	createAmqpPublisher,
} from './amqpPublisher';

const USAGE = `Usage: tsx simulator/cli.ts [options]
  --port <n>                 port to listen on (default 8787; 0 picks a free one)
  --host <address>           address to bind (default 127.0.0.1)
  --fleet-size <n>           number of seeded vehicles (default 50)
  --seed <n>                 seed of the generated fleet (default 1)
  --token-ttl <seconds>      access token lifetime (default 900)
  --rate-limit <limit/ms>    e.g. 20/1000: 20 requests per client per second (default off)
  --command-latency-ms <n>   how long a command takes (default 0)
  --setup-delay-ms <n>       how long an added vehicle's setup takes (default 2000)
  --page-max <n>             largest page of the vehicle list; a larger limit gets a 400 naming
                             limit, as INVERS (whose maximum is not documented) would (default 100)
  --amqp-url <url>           broker the events are published to
                             (default amqp://guest:guest@127.0.0.1:5672)
  --no-events                do not publish events
  --fleet-id <id>            part of the queue names fleet-<id>.<topic> (default demo)
  --exchange <name>          topic exchange the events go to (default invers.events); simulators
                             sharing a broker need their own, or each gets the others' events
  --queue-max-length <n>     bound of each queue and dead-letter queue: beyond it the oldest
                             message is dropped (default: unbounded)
  --queue-ttl <seconds>      messages older than this are dropped (default: kept)
                             Both apply to the simulator's own queues; an existing queue declared
                             without them is refused by RabbitMQ (the error says what to do)
  --telemetry-ms <n>         a VehicleStateRecorded of a random vehicle every n ms (default 0: off)
  --help                     show this text`;

class UsageError extends Error {}

interface EventOptions {
	amqpUrl: string;
	publish: boolean;
	fleetId: string;
	exchange?: string;
	queueLimits: QueueLimits;
	telemetryMs: number;
}

const eventOptions: EventOptions = {
	amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
	publish: true,
	fleetId: 'demo',
	queueLimits: {},
	telemetryMs: 0,
};

function parseArgs(argv: string[]): Partial<SimulatorOptions> {
	const options: Partial<SimulatorOptions> = { port: 8787 };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') {
			console.log(USAGE);
			process.exit(0);
		}
		// Both `--flag value` and `--flag=value`.
		const [flag, inline] = arg.split(/=(.*)/s, 2);
		const value = () => {
			const next = inline ?? argv[++i];
			if (next === undefined) throw new UsageError(`${flag} needs a value`);
			return next;
		};
		switch (flag) {
			case '--port':
				options.port = integer(flag, value(), 0, 65535);
				break;
			case '--host':
				options.host = value();
				break;
			case '--fleet-size':
				options.fleetSize = integer(flag, value(), 0, 1_000_000);
				break;
			case '--seed':
				options.seed = integer(flag, value(), 0, 2 ** 32 - 1);
				break;
			case '--token-ttl':
				options.tokenTtlSeconds = integer(flag, value(), 1, 86_400 * 365);
				break;
			case '--rate-limit':
				options.rateLimit = rateLimit(value());
				break;
			case '--command-latency-ms':
				options.commandLatencyMs = integer(flag, value(), 0, 600_000);
				break;
			case '--setup-delay-ms':
				options.setupDelayMs = integer(flag, value(), 0, 3_600_000);
				break;
			case '--page-max':
				options.pageMax = integer(flag, value(), 1, 100_000);
				break;
			case '--amqp-url':
				eventOptions.amqpUrl = value();
				break;
			case '--no-events':
				eventOptions.publish = false;
				break;
			case '--fleet-id':
				eventOptions.fleetId = value();
				break;
			case '--exchange':
				eventOptions.exchange = value();
				break;
			case '--queue-max-length':
				eventOptions.queueLimits.maxLength = integer(flag, value(), 1, 100_000_000);
				break;
			case '--queue-ttl':
				eventOptions.queueLimits.messageTtlMs = integer(flag, value(), 1, 86_400 * 365) * 1000;
				break;
			case '--telemetry-ms':
				eventOptions.telemetryMs = integer(flag, value(), 0, 3_600_000);
				break;
			default:
				throw new UsageError(`unknown option ${arg}`);
		}
	}
	return options;
}

function integer(flag: string, text: string, min: number, max: number): number {
	const number = /^\d+$/.test(text) ? Number(text) : NaN;
	if (!(number >= min && number <= max)) {
		throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got '${text}'`);
	}
	return number;
}

function rateLimit(text: string): SimulatorOptions['rateLimit'] {
	const match = /^(\d+)\/(\d+)$/.exec(text);
	if (!match || Number(match[1]) < 1 || Number(match[2]) < 1) {
		throw new UsageError(
			`--rate-limit must look like <limit>/<windowMs>, e.g. 20/1000, got '${text}'`,
		);
	}
	return { limit: Number(match[1]), windowMs: Number(match[2]) };
}

/** Publishes the simulator's events to the broker, with INVERS-like per-topic queues. */
async function publishEvents(sim: Simulator): Promise<() => Promise<void>> {
	let publisher: AmqpPublisher;
	try {
		publisher = await createAmqpPublisher({
			url: eventOptions.amqpUrl,
			exchange: eventOptions.exchange,
			fleetId: eventOptions.fleetId,
			topics: SANDBOX_TOPICS,
			queueLimits: eventOptions.queueLimits,
		});
	} catch (error) {
		if (error instanceof QueueArgumentsError) {
			console.error(error.message);
			await sim.close();
			process.exit(1);
		}
		const where = eventOptions.amqpUrl.replace(/\/\/[^@]*@/, '//');
		console.error(
			`Cannot reach the event broker at ${where} (${(error as Error).message}). Start RabbitMQ (e.g. 'rabbitmq-server -detached'), pass --amqp-url, or run with --no-events.`,
		);
		await sim.close();
		process.exit(1);
	}
	const detach = attachPublisher(sim.events, publisher);
	sim.events.on('publishError', (error: Error) =>
		console.error(`event not published: ${error.message}`),
	);
	console.log('  events: published to the queues (one per topic, each with a dead-letter queue)');
	for (const [topic, queue] of Object.entries(publisher.queues)) {
		console.log(`    ${topic}: ${queue}`);
	}
	const { maxLength, messageTtlMs } = eventOptions.queueLimits;
	if (maxLength !== undefined || messageTtlMs !== undefined) {
		console.log(
			`  queue bounds: ${maxLength ?? 'any number of'} messages, ${messageTtlMs === undefined ? 'kept' : `dropped after ${messageTtlMs / 1000} s`}`,
		);
	}
	const telemetry =
		eventOptions.telemetryMs > 0
			? setInterval(() => sim.emitTelemetry(), eventOptions.telemetryMs)
			: undefined;
	if (telemetry)
		console.log(`  telemetry: one VehicleStateRecorded every ${eventOptions.telemetryMs} ms`);
	return async () => {
		if (telemetry) clearInterval(telemetry);
		detach();
		await publisher.close();
	};
}

async function main(): Promise<void> {
	let options: Partial<SimulatorOptions>;
	try {
		options = parseArgs(process.argv.slice(2));
	} catch (error) {
		console.error(`${error instanceof UsageError ? error.message : error}\n\n${USAGE}`);
		process.exit(2);
	}
	const host = options.host ?? DEFAULT_OPTIONS.host;
	let sim: Simulator;
	try {
		sim = await startSimulator(options);
	} catch (error) {
		if (error.code === 'EADDRINUSE') {
			console.error(
				`Port ${options.port} on ${host} is already in use: stop the other process or pass --port <another port> (0 picks a free one).`,
			);
		} else if (error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES') {
			console.error(`Cannot listen on ${host}:${options.port} (${error.code}).`);
		} else {
			console.error(error);
		}
		process.exit(1);
	}

	const rate = sim.config.rateLimit;
	console.log(`INVERS OneAPI simulator listening on ${sim.url}`);
	console.log(
		`  fleet: ${sim.vehicleIds().length} vehicles (seed ${options.seed ?? DEFAULT_OPTIONS.seed})`,
	);
	console.log(
		`  rate limit: ${rate ? `${rate.limit} requests per ${rate.windowMs} ms per client` : 'off'}`,
	);
	console.log(`  page size: at most ${sim.config.pageMax} vehicles (--page-max)`);
	console.log('  API clients (client id / secret / permissions):');
	for (const client of DEFAULT_CLIENTS) {
		console.log(
			`    ${client.clientId} / ${client.clientSecret} / ${client.permissions.join(', ')}`,
		);
	}
	console.log(
		`  control: GET ${sim.url}/__sim/stats, POST ${sim.url}/__sim/reset, POST|DELETE ${sim.url}/__sim/faults`,
	);

	const closeEvents = eventOptions.publish ? await publishEvents(sim) : async () => {};

	const shutdown = (signal: string) => {
		console.log(`\n${signal}: closing the simulator`);
		closeEvents()
			.then(() => sim.close())
			.then(() => process.exit(0));
	};
	process.once('SIGINT', () => shutdown('SIGINT'));
	process.once('SIGTERM', () => shutdown('SIGTERM'));
}

void main();
