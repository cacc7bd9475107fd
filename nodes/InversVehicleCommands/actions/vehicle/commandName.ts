import type { IExecuteFunctions } from 'n8n-workflow';

import { commandCapability, commandPathSegment } from '../../../shared/contract';
import { invalidFieldError } from '../../../shared/validation';
import { OTHER_COMMAND } from './commandCatalog';

/** Letters and digits in words joined by "_" or "-": both HONK_HORN and honk-horn. */
const COMMAND_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)*$/;

export interface ResolvedCommand {
	/** As in the vehicle's capabilities, e.g. UNLOCK_CENTRAL_LOCK. */
	capability: string;
	/** As in the request path, e.g. unlock-central-lock. */
	pathSegment: string;
}

/**
 * The command of one item, from the dropdown, the "Command Name" field or an expression; the
 * list of commands is open, so any well-formed name is accepted in either spelling.
 */
export function resolveCommand(this: IExecuteFunctions, itemIndex: number): ResolvedCommand {
	const selected = String(this.getNodeParameter('command', itemIndex, '') ?? '').trim();
	const fromOther = selected === OTHER_COMMAND;
	if (fromOther) return resolveOtherCommand.call(this, itemIndex);
	return commandNamed(this, itemIndex, selected, 'Command', 'command');
}

/** The command of the "Command Name" field (version 1's Other, version 2's Send Other Command). */
export function resolveOtherCommand(this: IExecuteFunctions, itemIndex: number): ResolvedCommand {
	const raw = String(this.getNodeParameter('commandName', itemIndex, '') ?? '').trim();
	return commandNamed(this, itemIndex, raw, 'Command Name', 'commandName');
}

function commandNamed(
	context: IExecuteFunctions,
	itemIndex: number,
	raw: string,
	field: string,
	parameter: string,
): ResolvedCommand {
	if (!COMMAND_NAME_PATTERN.test(raw)) {
		throw invalidFieldError(
			context,
			itemIndex,
			raw === ''
				? `The field "${field}" is empty: choose a command or enter its name`
				: `The field "${field}" holds "${raw}", which is not a command name: give a capability name such as HONK_HORN (nothing was sent)`,
			{
				field,
				value: raw,
				allowed:
					'Give a capability name such as UNLOCK_CENTRAL_LOCK or HONK_HORN, or its path segment such as unlock-central-lock.',
				parameter,
			},
		);
	}
	const capability = commandCapability(raw);
	return { capability, pathSegment: commandPathSegment(capability) };
}
