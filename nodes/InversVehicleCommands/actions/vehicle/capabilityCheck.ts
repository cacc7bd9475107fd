import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { commandCapability, paths } from '../../../shared/contract';
import { oneApiRequest } from '../../../shared/transport';

/**
 * The command capabilities of each vehicle, read once per node run: items run in parallel, so
 * the promise (not its result) is cached and every item of the same vehicle awaits the one GET.
 * Keyed by the execution context, which n8n creates anew for every run of the node.
 */
const perRun = new WeakMap<IExecuteFunctions, Map<string, Promise<string[] | undefined>>>();

async function readCommandCapabilities(
	context: IExecuteFunctions,
	vehicleId: string,
	itemIndex: number,
): Promise<string[] | undefined> {
	const response = await oneApiRequest.call(context, {
		method: 'GET',
		path: paths.vehicle(vehicleId),
		subject: `vehicle ${vehicleId}`,
		itemIndex,
	});
	const capabilities = ((response.body as IDataObject)?.capabilities ?? {}) as IDataObject;
	// Read tolerantly: a vehicle without a command list cannot be checked, so it is not blocked.
	if (!Array.isArray(capabilities.commands)) return undefined;
	return capabilities.commands.map((command) => commandCapability(String(command)));
}

/** The vehicle's command capabilities, or undefined when the vehicle does not list them. */
export async function commandCapabilities(
	this: IExecuteFunctions,
	vehicleId: string,
	itemIndex: number,
): Promise<string[] | undefined> {
	let cache = perRun.get(this);
	if (!cache) {
		cache = new Map();
		perRun.set(this, cache);
	}
	let pending = cache.get(vehicleId);
	if (!pending) {
		pending = readCommandCapabilities(this, vehicleId, itemIndex);
		cache.set(vehicleId, pending);
		// A failed read fails every item of that vehicle without a second GET; keep the rejection
		// from being reported as unhandled before the other items await it.
		pending.catch(() => undefined);
	}
	return await pending;
}
