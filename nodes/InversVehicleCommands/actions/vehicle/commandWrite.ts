import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { NodeApiError } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { paths } from '../../../shared/contract';
import { getVehicleId } from '../../../shared/descriptions/vehicleLocator';
import type { BatchWording } from '../../../shared/execution/batchReport';
import type { PreparedWrite } from '../../../shared/execution/runWrites';
import { oneApiRequest } from '../../../shared/transport';
import { invalidFieldError } from '../../../shared/validation';
import { simplifyVehicleState } from '../../../shared/vehicleState';
import { commandCapabilities } from './capabilityCheck';
import type { ResolvedCommand } from './commandName';
import { DEFAULT_PARALLEL_COMMANDS, MAX_PARALLEL_COMMANDS } from './sendCommand.description';

/**
 * Sending one command to one vehicle, whichever way the command was chosen: version 1's Command
 * dropdown, or one of version 2's operations (a command each, or "Send Other Command").
 */

export const wording: BatchWording = {
	done: 'carried out',
	whenUncertain:
		"Check each vehicle's latest state (Vehicle Management → Get Latest State) before sending its command again.",
};

/** Items sending at once, read once per run from the first item's options. */
export function concurrency(this: IExecuteFunctions): number {
	const value = Number(
		this.getNodeParameter('options.parallelCommands', 0, DEFAULT_PARALLEL_COMMANDS),
	);
	if (!Number.isFinite(value)) return DEFAULT_PARALLEL_COMMANDS;
	return Math.min(MAX_PARALLEL_COMMANDS, Math.max(1, Math.floor(value)));
}

const CAPABILITY_CHECKS = ['off', 'fail', 'skip'];

function readCapabilityCheck(this: IExecuteFunctions, itemIndex: number): string {
	const check = String(this.getNodeParameter('options.checkCapability', itemIndex, 'off') ?? '');
	if (!CAPABILITY_CHECKS.includes(check)) {
		throw invalidFieldError(
			this,
			itemIndex,
			`The option "Check Capability First" holds "${check}", which is not one of its choices`,
			{
				field: 'Check Capability First',
				value: check,
				allowed: 'One of "off", "fail" (Fail If Unsupported) or "skip" (Skip If Unsupported).',
				parameter: 'options.checkCapability',
			},
		);
	}
	return check;
}

/** How an operation finds its item's command. */
export type CommandOf = (this: IExecuteFunctions, itemIndex: number) => ResolvedCommand;

/**
 * Everything about one item that can be known without acting on the vehicle: its vehicle,
 * command and options, and, with "Check Capability First", whether the vehicle offers the
 * command. The node checks every item this way before the first command goes out.
 */
export async function prepareCommand(
	this: IExecuteFunctions,
	itemIndex: number,
	commandOf: CommandOf,
): Promise<PreparedWrite> {
	const vehicleId = getVehicleId.call(this, itemIndex);
	const { capability, pathSegment } = commandOf.call(this, itemIndex);
	const check = readCapabilityCheck.call(this, itemIndex);
	const simplify = this.getNodeParameter('options.simplify', itemIndex, false) as boolean;
	// Built here, with the item's checks: a rule of the path fails the node before any command.
	const path = paths.vehicleCommand(vehicleId, pathSegment);
	const item = {
		subject: { vehicle_id: vehicleId, command: capability },
		label: `vehicle ${vehicleId}: ${capability}`,
		target: vehicleId,
	};

	if (check === 'fail' || check === 'skip') {
		const supported = await commandCapabilities.call(this, vehicleId, itemIndex);
		if (supported && !supported.includes(capability)) {
			const supports = `it supports ${supported.join(', ') || 'no commands'}`;
			const reason = `Vehicle ${vehicleId} does not support the command ${capability}; nothing was sent to it`;
			if (check === 'skip') {
				return {
					...item,
					settled: {
						vehicle_id: vehicleId,
						command: capability,
						skipped: true,
						reason,
						supported_commands: supported,
					},
				};
			}
			// The supported commands are in the message: an AI agent gets the message only.
			throw new NodeOperationError(this.getNode(), `${reason}: ${supports}`, {
				itemIndex,
				description:
					'Choose one of those commands, or set "Check Capability First" to "Skip If Unsupported" to pass over such vehicles.',
			});
		}
	}

	return {
		...item,
		send: async () => {
			// A physical action: the transport resends it only where INVERS certainly did not
			// execute it (429, a refused token), and says so when an answer is lost after sending.
			const response = await oneApiRequest
				.call(this, {
					method: 'POST',
					path,
					idempotent: false,
					isCommand: true,
					command: capability,
					subject: `vehicle ${vehicleId}`,
					itemIndex,
				})
				.catch((error: NodeApiError) => {
					// Name the command: set by expression, it is nowhere else in sight.
					error.description = [`Command ${capability} to vehicle ${vehicleId}.`, error.description]
						.filter(Boolean)
						.join(' ');
					throw error;
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
		},
	};
}
