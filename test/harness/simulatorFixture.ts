import type { Simulator, SimulatorOptions } from '../../simulator';
import { startSimulator } from '../../simulator';
import { clearAccessTokenCache } from '../../nodes/shared/transport/accessToken';
import { TestCredentials } from './workflowRunner';

export const DEMO_CLIENT_ID = 'demo#client';
export const DEMO_CLIENT_SECRET = 'demo-secret';

/** Credentials pointing at the simulator, for the given API client of its defaults. */
export function simulatorCredentials(
	sim: Simulator,
	clientId = DEMO_CLIENT_ID,
	clientSecret = DEMO_CLIENT_SECRET,
): TestCredentials {
	return new TestCredentials({ baseUrl: sim.url, clientId, clientSecret });
}

/** Starts a simulator for one test file; the token cache starts empty for each file. */
export function useSimulator(options: Partial<SimulatorOptions> = {}): () => Simulator {
	let sim: Simulator | undefined;
	beforeAll(async () => {
		sim = await startSimulator({ fleetSize: 60, ...options });
	});
	afterAll(async () => {
		await sim?.close();
		clearAccessTokenCache();
	});
	return () => {
		if (!sim) throw new Error('Simulator not started');
		return sim;
	};
}
