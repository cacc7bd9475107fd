import type { IExecuteFunctions } from 'n8n-workflow';

import {
	commandCapability,
	commandPathSegment,
	PATH_SEGMENT_MAX_LENGTH,
} from '../../../shared/contract';
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
	// The name becomes a path segment of the request: its length limit is checked with the
	// item, not when the request is built after the items before it were sent.
	if (raw.length > PATH_SEGMENT_MAX_LENGTH) {
		throw invalidFieldError(
			context,
			itemIndex,
			`The field "${field}" holds "${raw}", which is too long for a command: at most ${PATH_SEGMENT_MAX_LENGTH} characters, it has ${raw.length}`,
			{
				field,
				value: raw,
				allowed: `A command name of at most ${PATH_SEGMENT_MAX_LENGTH} characters, such as UNLOCK_CENTRAL_LOCK.`,
				parameter,
			},
		);
	}
	const capability = commandCapability(raw);
	return { capability, pathSegment: commandPathSegment(capability) };
}
