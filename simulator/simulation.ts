/**
 * The simulator's whole mutable world in one object, handed to every route handler: the fleet,
 * tokens, rate-limit windows, faults, statistics, timers and the event channel.
 */
import { EventEmitter } from 'node:events';
import { FaultRegistry } from './faults';
import { generateFleet } from './fleetGenerator';
import type { FleetStore } from './fleetStore';
import { Random } from './prng';
import { RateLimiter } from './rateLimit';
import { TimerSet } from './timers';
import { TokenStore } from './tokens';
import type { EventEnvelope, SimulatorConfig, SimulatorOptions, SimulatorStats } from './types';

/** Offset so that telemetry noise does not replay the fleet generator's number sequence. */
const TELEMETRY_SEED_OFFSET = 0x5eed;

export class Simulation {
	readonly config: SimulatorConfig;
	readonly tokens = new TokenStore();
	readonly rateLimiter = new RateLimiter();
	readonly faults = new FaultRegistry();
	readonly stats: SimulatorStats = {
		tokenRequests: 0,
		requests: {},
		commandsReceived: [],
		rateLimited: 0,
		listLimits: {},
	};
	/** Pending setup completions: cleared by reset(), since the vehicles they finish are gone. */
	readonly setupTimers = new TimerSet();
	/** Command latencies in flight: cleared only by close(). */
	readonly delays = new TimerSet();
	readonly events = new EventEmitter();
	fleet: FleetStore;
	telemetryRandom: Random;

	constructor(readonly options: SimulatorOptions) {
		this.config = {
			commandLatencyMs: options.commandLatencyMs,
			setupDelayMs: options.setupDelayMs,
			rateLimit: options.rateLimit,
			tokenTtlSeconds: options.tokenTtlSeconds,
			pageMax: options.pageMax,
			silentPageMax: options.silentPageMax,
			compression: options.compression,
		};
		this.fleet = generateFleet(options.fleetSize, options.seed);
		this.telemetryRandom = new Random(options.seed + TELEMETRY_SEED_OFFSET);
		this.rateLimiter.onLimited = () => this.stats.rateLimited++;
	}

	publish(envelope: EventEnvelope): void {
		this.events.emit('event', envelope);
	}

	countRequest(key: string): void {
		this.stats.requests[key] = (this.stats.requests[key] ?? 0) + 1;
	}

	/** Back to the state right after start: fleet from the seed, no faults, stats, tokens. */
	reset(): void {
		this.setupTimers.clear();
		this.fleet = generateFleet(this.options.fleetSize, this.options.seed);
		this.telemetryRandom = new Random(this.options.seed + TELEMETRY_SEED_OFFSET);
		this.faults.clear();
		this.tokens.expireAll();
		this.rateLimiter.clear();
		// In place, so that a test holding `sim.stats` keeps seeing current numbers.
		this.stats.tokenRequests = 0;
		this.stats.requests = {};
		this.stats.commandsReceived = [];
		this.stats.rateLimited = 0;
		this.stats.listLimits = {};
	}

	dispose(): void {
		this.setupTimers.clear();
		this.delays.clear();
	}
}
