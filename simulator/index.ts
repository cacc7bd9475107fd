/**
 * A local INVERS OneAPI served over HTTP, with its own reading of INVERS's rules (inversRules.ts),
 * for the package's tests, its benchmarks and humans trying the nodes in n8n.
 *
 *   const sim = await startSimulator({ fleetSize: 250 });
 *   fetch(`${sim.url}/vehicles`, ...);
 *   await sim.close();
 */
import type { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { DEFAULT_OPTIONS } from './defaults';
import type { FaultRegistry } from './faults';
import { createSimulatorServer } from './server';
import { Simulation } from './simulation';
import { emitTelemetry } from './telemetry';
import type {
	EventEnvelope,
	SimulatorConfig,
	SimulatorOptions,
	SimulatorStats,
	Vehicle,
	VehicleState,
} from './types';
import {
	type VehicleFlags,
	setVehicleFlags,
	setVehicleState,
	stateSnapshot,
	vehicleSnapshot,
} from './vehicleControl';

export { DEFAULT_CLIENTS, DEFAULT_OPTIONS, DEMO_CLIENT } from './defaults';
export { TELEMATICS_BRANDS } from './catalog';
export type * from './types';
export type { VehicleFlags } from './vehicleControl';

export interface Simulator {
	/** `http://host:port`, no trailing slash: use it as the credential's base URL. */
	readonly url: string;
	readonly port: number;
	/** Emits `'event'` with an Events API envelope (VehicleChanged, VehicleStateRecorded). */
	readonly events: EventEmitter;
	readonly stats: SimulatorStats;
	readonly faults: Pick<FaultRegistry, 'add' | 'clear' | 'list'>;
	/** Changes take effect with the next request. */
	readonly config: SimulatorConfig;
	/** Closes the server and every open socket (keep-alive ones too) right away. */
	close(): Promise<void>;
	/** Fleet regenerated from the seed; faults, stats, tokens and rate-limit windows cleared. */
	reset(): void;
	/** Every token issued so far stops working: the next API call gets 401 invalid-credentials. */
	expireTokens(): void;
	/** A VehicleStateRecorded with a slightly changed state, of the vehicle or a random one. */
	emitTelemetry(vehicleId?: string): EventEnvelope;
	/** Copies of active vehicles (undefined for unknown or archived ones). */
	getVehicle(vehicleId: string): Vehicle | undefined;
	getVehicleState(vehicleId: string): VehicleState | undefined;
	/** Active vehicle ids in list order. */
	vehicleIds(): string[];
	setVehicleState(vehicleId: string, partialState: Record<string, unknown>): void;
	setVehicleFlags(vehicleId: string, flags: VehicleFlags): void;
}

export async function startSimulator(options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
	const sim = new Simulation({ ...DEFAULT_OPTIONS, ...options });
	const server = createSimulatorServer(sim);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(sim.options.port, sim.options.host, () => {
			server.off('error', reject);
			resolve();
		});
	}).catch((error) => {
		sim.dispose();
		throw error;
	});
	const { port } = server.address() as AddressInfo;
	const host = sim.options.host.includes(':') ? `[${sim.options.host}]` : sim.options.host;
	let closing: Promise<void> | undefined;

	return {
		url: `http://${host}:${port}`,
		port,
		events: sim.events,
		get stats() {
			return sim.stats;
		},
		faults: sim.faults,
		config: sim.config,
		close() {
			closing ??= new Promise<void>((resolve) => {
				sim.dispose();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
		reset: () => sim.reset(),
		expireTokens: () => sim.tokens.expireAll(),
		emitTelemetry: (vehicleId) => emitTelemetry(sim, vehicleId),
		getVehicle: (vehicleId) => vehicleSnapshot(sim, vehicleId),
		getVehicleState: (vehicleId) => stateSnapshot(sim, vehicleId),
		vehicleIds: () => sim.fleet.ids(),
		setVehicleState: (vehicleId, partialState) => setVehicleState(sim, vehicleId, partialState),
		setVehicleFlags: (vehicleId, flags) => setVehicleFlags(sim, vehicleId, flags),
	};
}
