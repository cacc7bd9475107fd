import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Simulator } from '../../simulator';
import { vehicleById } from '../harness/params';
import { simulatorCredentials } from '../harness/simulatorFixture';
import { runNode } from '../harness/workflowRunner';

export const COMMAND_ROUTE = 'POST /vehicles/:id/commands/:command';
export const GET_VEHICLE_ROUTE = 'GET /vehicles/:id';

/**
 * Parameters of version 1's Send Command for one vehicle (or, with an expression, for each item's
 * `id`); run them with `typeVersion: 1` (runCommands does).
 */
export function sendCommandParameters(
	vehicle: string,
	command: string,
	options: IDataObject = {},
	extra: INodeParameters = {},
): INodeParameters {
	return {
		resource: 'vehicle',
		operation: 'sendCommand',
		vehicle: vehicleById(vehicle),
		command,
		options: options as INodeParameters,
		...extra,
	};
}

export function runCommands(
	sim: Simulator,
	parameters: INodeParameters,
	items?: IDataObject[],
	continueOnFail = false,
) {
	return runNode({
		node: 'inversVehicleCommands',
		// Send Command with its Command dropdown is version 1, as workflows saved with it have it.
		typeVersion: 1,
		parameters,
		credentials: simulatorCredentials(sim),
		items,
		continueOnFail,
	});
}

/**
 * Vehicles that support `command` and will take it now: online, not lent to a partner, ignition
 * off. The seeded fleet has some of each of those on purpose; tests pick and prepare their own.
 */
export function readyVehicles(sim: Simulator, command: string, count = 1, skip = 0): string[] {
	const ids = sim
		.vehicleIds()
		.filter((id) => sim.getVehicle(id)!.capabilities.commands.includes(command))
		.slice(skip, skip + count);
	if (ids.length < count) throw new Error(`fleet has too few vehicles supporting ${command}`);
	for (const id of ids) {
		sim.setVehicleFlags(id, { lifeStatus: 'ONLINE', sharedWithPartner: false });
		sim.setVehicleState(id, { ignition: 'OFF' });
	}
	return ids;
}

/** A vehicle that lacks `command` (e.g. a moped for UNLOCK_CENTRAL_LOCK). */
export function vehicleWithout(sim: Simulator, command: string): string {
	const id = sim
		.vehicleIds()
		.find((v) => !sim.getVehicle(v)!.capabilities.commands.includes(command));
	if (!id) throw new Error(`every vehicle supports ${command}`);
	sim.setVehicleFlags(id, { lifeStatus: 'ONLINE', sharedWithPartner: false });
	return id;
}

export function requestsTo(sim: Simulator, route: string): number {
	return sim.stats.requests[route] ?? 0;
}

export function commandsFor(sim: Simulator, vehicleId: string): string[] {
	return sim.stats.commandsReceived.filter((c) => c.vehicleId === vehicleId).map((c) => c.command);
}
