import type { INodePropertyOptions } from 'n8n-workflow';

import type { KNOWN_COMMANDS } from '../../../shared/contract';

type KnownCommand = (typeof KNOWN_COMMANDS)[number];

/**
 * How each command of the contract is offered. Names start with the part of the vehicle they act
 * on, so that the alphabetical dropdown groups them (battery compartment, central lock, combined,
 * draw attention, driving, request state, top case). Each description says what physically
 * happens: it is what an AI agent reads before it decides to send the command.
 */
const CATALOG: Record<KnownCommand, { name: string; description: string }> = {
	UNLOCK_BATTERY_COMPARTMENT: {
		name: 'Battery Compartment: Unlock',
		description:
			'Unlocks the battery compartment of a moped or scooter so that its battery can be swapped; anyone next to the vehicle can then take the battery out',
	},
	LOCK_CENTRAL_LOCK: {
		name: 'Central Lock: Lock',
		description:
			'Locks the doors of the car. Refused while the ignition is on, so that no one is locked out mid-trip.',
	},
	UNLOCK_CENTRAL_LOCK: {
		name: 'Central Lock: Unlock',
		description:
			'Unlocks the doors of the car; the vehicle can then be opened by anyone next to it',
	},
	LOCK_AND_DISABLE_DRIVING: {
		name: 'Combined: Lock and Disable Driving',
		description:
			'Locks the doors and blocks the engine or motor in one step, as at the end of a rental. Refused while the ignition is on.',
	},
	UNLOCK_AND_ENABLE_DRIVING: {
		name: 'Combined: Unlock and Enable Driving',
		description:
			'Unlocks the doors and allows the engine or motor to start in one step, as at the start of a rental; anyone next to the vehicle can then open it and drive it away',
	},
	DRAW_ATTENTION: {
		name: 'Draw Attention (Horn or Lights)',
		description:
			'Makes the vehicle honk or flash its lights so that someone nearby can find it; changes nothing else',
	},
	DISABLE_DRIVING: {
		name: 'Driving: Disable',
		description:
			'Blocks the engine or motor (immobilizer on): the vehicle can no longer be started and driven away',
	},
	ENABLE_DRIVING: {
		name: 'Driving: Enable',
		description:
			'Allows the engine or motor to start (immobilizer off); whoever can get into or onto the vehicle can then drive it away',
	},
	REQUEST_VEHICLE_STATE: {
		name: 'Request Vehicle State',
		description:
			'Asks the vehicle to report its current state (locks, ignition, position, charge or fuel level); changes nothing on the vehicle',
	},
	LOCK_TOP_CASE: {
		name: 'Top Case: Lock',
		description: 'Locks the top case (helmet box) of a moped or scooter',
	},
	UNLOCK_TOP_CASE: {
		name: 'Top Case: Unlock',
		description:
			'Unlocks the top case (helmet box) of a moped or scooter; anyone next to the vehicle can then open it',
	},
};

/** The dropdown value that shows the free "Command Name" field. */
export const OTHER_COMMAND = 'other';

export const commandOptions: INodePropertyOptions[] = [
	...Object.entries(CATALOG).map(([value, { name, description }]) => ({
		name,
		value,
		description,
	})),
	{
		name: 'Other (Enter Name)',
		value: OTHER_COMMAND,
		description:
			'A command not in this list, by its capability name (e.g. HONK_HORN) or path segment (e.g. honk-horn).',
	},
].sort((a, b) => a.name.localeCompare(b.name));
