/**
 * The API's route table, on the simulator's own reading of the paths (apiNames.ts, with `:name`
 * placeholders).
 */
import { pathTemplates as paths } from './apiNames';
import { executeCommand } from './commands';
import type { Reply, RequestContext } from './http';
import { permissions } from './inversRules';
import { addVehicle, listVehicleModels, removeVehicle } from './lifecycle';
import type { Simulation } from './simulation';
import { TOKEN_PATHNAME, issueToken } from './tokenEndpoint';
import { getLatestVehicleState, getVehicle, listVehicles, updateVehicle } from './vehicles';

/** `token`: the token endpoint (Basic auth, no rate limit); otherwise the permissions accepted. */
type Access = 'token' | readonly string[];

export interface Route {
	method: string;
	/** e.g. `GET /vehicles/:id`: the key of the route in the request statistics. */
	key: string;
	access: Access;
	handler: (ctx: RequestContext, sim: Simulation) => Reply | Promise<Reply>;
	segments: string[];
}

const READ = [permissions.read, permissions.write];
const WRITE = [permissions.write];
const COMMANDS = [permissions.commands];

function route(method: string, pattern: string, access: Access, handler: Route['handler']): Route {
	return { method, key: `${method} ${pattern}`, access, handler, segments: pattern.split('/') };
}

export const ROUTES: Route[] = [
	route('POST', TOKEN_PATHNAME, 'token', issueToken),
	route('GET', paths.vehicles, READ, listVehicles),
	route('POST', paths.vehicles, WRITE, addVehicle),
	route('GET', paths.vehicle, READ, getVehicle),
	route('PATCH', paths.vehicle, WRITE, updateVehicle),
	route('DELETE', paths.vehicle, WRITE, removeVehicle),
	route('GET', paths.latestVehicleState, READ, getLatestVehicleState),
	route('POST', paths.vehicleCommand, COMMANDS, executeCommand),
	route('GET', paths.availableVehicleModels, READ, listVehicleModels),
];

export interface RouteMatch {
	route: Route;
	params: Record<string, string>;
}

export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
	const segments = pathname.split('/');
	for (const candidate of ROUTES) {
		if (candidate.method !== method || candidate.segments.length !== segments.length) continue;
		const params = matchSegments(candidate.segments, segments);
		if (params) return { route: candidate, params };
	}
	return undefined;
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
	const params: Record<string, string> = {};
	for (let i = 0; i < pattern.length; i++) {
		if (pattern[i].startsWith(':')) {
			if (actual[i] === '') return undefined;
			try {
				params[pattern[i].slice(1)] = decodeURIComponent(actual[i]);
			} catch {
				return undefined;
			}
		} else if (pattern[i] !== actual[i]) {
			return undefined;
		}
	}
	return params;
}
