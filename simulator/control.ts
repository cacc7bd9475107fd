/**
 * The simulator's own control endpoints under `/__sim`, for tests in other processes and for
 * humans with curl. Never subject to faults, auth or rate limits.
 */
import { problemTypes } from './inversRules';
import { parkedVehicles } from './commands';
import { faultRuleProblem } from './faults';
import { type Reply, type RequestContext, json, jsonBody, problemReply } from './http';
import { HttpProblem, notFound, validationError, vehicleNotFound } from './problems';
import type { Simulation } from './simulation';
import { emitTelemetry } from './telemetry';
import type { FaultRule } from './types';

export const CONTROL_PREFIX = '/__sim';

export function isControlPath(pathname: string): boolean {
	return pathname === CONTROL_PREFIX || pathname.startsWith(`${CONTROL_PREFIX}/`);
}

export function handleControl(ctx: RequestContext, sim: Simulation): Reply {
	try {
		return route(ctx, sim);
	} catch (error) {
		if (error instanceof HttpProblem) return problemReply(error, ctx.flowId);
		console.error('[simulator] control request failed', error);
		const problem = new HttpProblem(500, problemTypes.internalServerError, String(error));
		return problemReply(problem, ctx.flowId);
	}
}

function route(ctx: RequestContext, sim: Simulation): Reply {
	const action = `${ctx.method} ${ctx.pathname.slice(CONTROL_PREFIX.length)}`;
	switch (action) {
		case 'GET /stats':
			return json(200, sim.stats);
		case 'POST /reset':
			sim.reset();
			return { status: 204 };
		case 'GET /faults':
			return json(200, { items: sim.faults.list() });
		case 'POST /faults': {
			const rule = jsonBody(ctx);
			const problem = faultRuleProblem(rule);
			if (problem) throw validationError('fault', problem);
			return json(201, sim.faults.add(rule as FaultRule));
		}
		case 'DELETE /faults':
			sim.faults.clear();
			return { status: 204 };
		case 'POST /tokens/expire':
			sim.tokens.expireAll();
			return { status: 204 };
		case 'GET /parked-vehicles':
			return json(200, {
				items: parkedVehicles(sim, {
					command: ctx.query.get('command') ?? undefined,
					vehicleType: ctx.query.get('vehicle_type') ?? undefined,
				}),
			});
		case 'POST /telemetry': {
			const vehicleId = ctx.query.get('vehicle_id') ?? undefined;
			if (vehicleId !== undefined && !sim.fleet.get(vehicleId)) throw vehicleNotFound(vehicleId);
			return json(200, emitTelemetry(sim, vehicleId));
		}
		default:
			throw notFound(`No simulator control endpoint ${ctx.method} ${ctx.pathname}.`);
	}
}
