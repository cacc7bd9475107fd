import type { INodePropertyOptions } from 'n8n-workflow';

import type { KNOWN_COMMANDS } from '../../../shared/contract';

export type KnownCommand = (typeof KNOWN_COMMANDS)[number];

interface CatalogEntry {
	/** Version 1's dropdown entry: the part of the vehicle first, so the sorted list groups them. */
	name: string;
	/** What physically happens, for people in the panel. */
	description: string;
	/** Version 2: the command as an operation of its own. */
	operation: {
		value: string;
		name: string;
		/**
		 * The sentence n8n shows in the node panel, names a new node after, and (followed by
		 * " in INVERS Vehicle Commands") hands an AI agent as the tool's name and description. At
		 * most 37 characters, so that the tool name n8n derives stays within its 64 characters.
		 */
		action: string;
	};
}

/**
 * How each command of the contract is offered. Each description says what physically happens;
 * each action names the command and what it acts on, since for an AI agent the action is the
 * tool's whole description.
 */
export const CATALOG: Record<KnownCommand, CatalogEntry> = {
	UNLOCK_BATTERY_COMPARTMENT: {
		name: 'Battery Compartment: Unlock',
		description:
			'Unlocks the battery compartment of a moped or scooter so that its battery can be swapped; anyone next to the vehicle can then take the battery out',
		operation: {
			value: 'unlockBatteryCompartment',
			name: 'Unlock Battery Compartment',
			action: 'Unlock the battery compartment',
		},
	},
	LOCK_CENTRAL_LOCK: {
		name: 'Central Lock: Lock',
		description:
			'Locks the doors of the car. Refused while the ignition is on, so that no one is locked out mid-trip.',
		operation: {
			value: 'lockCentralLock',
			name: 'Lock Central Lock',
			action: 'Lock the central lock of a vehicle',
		},
	},
	UNLOCK_CENTRAL_LOCK: {
		name: 'Central Lock: Unlock',
		description:
			'Unlocks the doors of the car; the vehicle can then be opened by anyone next to it',
		operation: {
			value: 'unlockCentralLock',
			name: 'Unlock Central Lock',
			action: 'Unlock the central lock of a vehicle',
		},
	},
	LOCK_AND_DISABLE_DRIVING: {
		name: 'Combined: Lock and Disable Driving',
		description:
			'Locks the doors and blocks the engine or motor in one step, as at the end of a rental. Refused while the ignition is on.',
		operation: {
			value: 'lockAndDisableDriving',
			name: 'Lock and Disable Driving',
			action: 'Lock a vehicle and disable driving',
		},
	},
	UNLOCK_AND_ENABLE_DRIVING: {
		name: 'Combined: Unlock and Enable Driving',
		description:
			'Unlocks the doors and allows the engine or motor to start in one step, as at the start of a rental; anyone next to the vehicle can then open it and drive it away',
		operation: {
			value: 'unlockAndEnableDriving',
			name: 'Unlock and Enable Driving',
			action: 'Unlock a vehicle and enable driving',
		},
	},
	DRAW_ATTENTION: {
		name: 'Draw Attention (Horn or Lights)',
		description:
			'Makes the vehicle honk or flash its lights so that someone nearby can find it; changes nothing else',
		operation: {
			value: 'drawAttention',
			name: 'Draw Attention',
			action: 'Draw attention (honk or flash lights)',
		},
	},
	DISABLE_DRIVING: {
		name: 'Driving: Disable',
		description:
			'Blocks the engine or motor (immobilizer on): the vehicle can no longer be started and driven away',
		operation: {
			value: 'disableDriving',
			name: 'Disable Driving',
			action: 'Disable driving of a vehicle',
		},
	},
	ENABLE_DRIVING: {
		name: 'Driving: Enable',
		description:
			'Allows the engine or motor to start (immobilizer off); whoever can get into or onto the vehicle can then drive it away',
		operation: {
			value: 'enableDriving',
			name: 'Enable Driving',
			action: 'Enable driving of a vehicle',
		},
	},
	REQUEST_VEHICLE_STATE: {
		name: 'Request Vehicle State',
		description:
			'Asks the vehicle to report its current state (locks, ignition, position, charge or fuel level); changes nothing on the vehicle',
		operation: {
			value: 'requestVehicleState',
			name: 'Request Vehicle State',
			action: "Request a vehicle's current state",
		},
	},
	LOCK_TOP_CASE: {
		name: 'Top Case: Lock',
		description: 'Locks the top case (helmet box) of a moped or scooter',
		operation: {
			value: 'lockTopCase',
			name: 'Lock Top Case',
			action: 'Lock the top case of a vehicle',
		},
	},
	UNLOCK_TOP_CASE: {
		name: 'Top Case: Unlock',
		description:
			'Unlocks the top case (helmet box) of a moped or scooter; anyone next to the vehicle can then open it',
		operation: {
			value: 'unlockTopCase',
			name: 'Unlock Top Case',
			action: 'Unlock the top case of a vehicle',
		},
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
