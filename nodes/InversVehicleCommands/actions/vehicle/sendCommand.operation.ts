import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { paths } from '../../../shared/contract';
import { getVehicleId } from '../../../shared/descriptions/vehicleLocator';
import { oneApiRequest } from '../../../shared/transport';
import { simplifyVehicleState } from '../../../shared/vehicleState';
import { commandCapabilities } from './capabilityCheck';
import { resolveCommand } from './commandName';
import {
	DEFAULT_PARALLEL_COMMANDS,
	MAX_PARALLEL_COMMANDS,
	sendCommandDescription,
} from './sendCommand.description';

export const description = sendCommandDescription;

/** Items sending at once, read once per run from the first item's options. */
export function concurrency(this: IExecuteFunctions): number {
	const value = Number(
		this.getNodeParameter('options.parallelCommands', 0, DEFAULT_PARALLEL_COMMANDS),
	);
	if (!Number.isFinite(value)) return DEFAULT_PARALLEL_COMMANDS;
	return Math.min(MAX_PARALLEL_COMMANDS, Math.max(1, Math.floor(value)));
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const vehicleId = getVehicleId.call(this, itemIndex);
	const { capability, pathSegment } = resolveCommand.call(this, itemIndex);
	const check = this.getNodeParameter('options.checkCapability', itemIndex, 'off') as string;
	const simplify = this.getNodeParameter('options.simplify', itemIndex, false) as boolean;

	if (check === 'fail' || check === 'skip') {
		const supported = await commandCapabilities.call(this, vehicleId, itemIndex);
		if (supported && !supported.includes(capability)) {
			const reason = `Vehicle ${vehicleId} does not support the command ${capability}; nothing was sent to it`;
			if (check === 'skip') {
				return {
					vehicle_id: vehicleId,
					command: capability,
					skipped: true,
					reason,
					supported_commands: supported,
				};
			}
			throw new NodeOperationError(this.getNode(), reason, {
				itemIndex,
				description: `It supports: ${supported.join(', ') || 'no commands'}. Choose one of those, or set "Check Capability First" to "Skip If Unsupported" to pass over such vehicles.`,
			});
		}
	}

	// A physical action: the transport resends it only where INVERS certainly did not execute it
	// (429, a refused token), and says so when an answer is lost after sending.
	const response = await oneApiRequest.call(this, {
		method: 'POST',
		path: paths.vehicleCommand(vehicleId, pathSegment),
		idempotent: false,
		isCommand: true,
		subject: `vehicle ${vehicleId}`,
		itemIndex,
	});
	const result: IDataObject = {
		vehicle_id: vehicleId,
		command: capability,
		skipped: false,
		flow_id: response.flowId ?? null,
		vehicle_state: (response.body ?? {}) as IDataObject,
	};
	if (simplify) result.simplified_state = simplifyVehicleState(response.body);
	return result;
}
