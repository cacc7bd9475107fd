import { DEFAULT_PAGE_MAX, permissions } from './inversRules';
import type { ClientDefinition, SimulatorOptions } from './types';

/** The client a human uses to try the nodes: all permissions. */
export const DEMO_CLIENT: ClientDefinition = {
	clientId: 'demo#client',
	clientSecret: 'demo-secret',
	permissions: [permissions.write, permissions.read, permissions.commands],
};

/**
 * Clients that lack permissions, so that 403 handling can be tried. The `#` in every id is
 * deliberate: real INVERS client ids contain one and Basic auth must encode it correctly.
 */
export const DEFAULT_CLIENTS: ClientDefinition[] = [
	DEMO_CLIENT,
	{ clientId: 'readonly#client', clientSecret: 'readonly-secret', permissions: [permissions.read] },
	{
		clientId: 'nocommands#client',
		clientSecret: 'nocommands-secret',
		permissions: [permissions.write, permissions.read],
	},
	// Least privilege for an application that only sends commands, as INVERS recommends.
	{
		clientId: 'commands#client',
		clientSecret: 'commands-secret',
		permissions: [permissions.commands],
	},
];

export const DEFAULT_OPTIONS: SimulatorOptions = {
	port: 0,
	host: '127.0.0.1',
	fleetSize: 50,
	seed: 1,
	tokenTtlSeconds: 900,
	rateLimit: undefined,
	commandLatencyMs: 0,
	setupDelayMs: 2000,
	pageMax: DEFAULT_PAGE_MAX,
	clients: DEFAULT_CLIENTS,
	pageTokenField: 'next_page_token',
};
