import type { IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { commandPathSegment } from '../../../shared/contract';
import { forNodeAndTool, fromAi } from '../../../shared/descriptions/fromAi';
import { vehicleLocator } from '../../../shared/descriptions/vehicleLocator';
import type { OperationModule } from '../../../shared/execution/router';
import type { PreparedWrite } from '../../../shared/execution/runWrites';
import type { KnownCommand } from './commandCatalog';
import { CATALOG } from './commandCatalog';
import { resolveOtherCommand } from './commandName';
import { concurrency, prepareCommand, wording } from './commandWrite';
import { commandSettings } from './sendCommand.description';

/**
 * Version 2: every command an operation of its own. In n8n's node panel each is an action
 * ("Unlock the central lock of a vehicle"), found by searching "unlock"; as an AI agent's tool
 * each reaches the model with a name and description of its own, so a lock tool and an unlock
 * tool can be told apart. "Send Other Command" takes any other capability by name.
 */

export const SEND_OTHER_COMMAND = 'sendOtherCommand';

/** The operation that changes nothing on the vehicle: what a new node starts with. */
export const DEFAULT_OPERATION = CATALOG.REQUEST_VEHICLE_STATE.operation.value;

function fixedCommand(capability: KnownCommand): OperationModule {
	const command = { capability, pathSegment: commandPathSegment(capability) };
	return {
		description: [],
		wording,
		concurrency,
		async prepare(this: IExecuteFunctions, itemIndex: number): Promise<PreparedWrite> {
			return await prepareCommand.call(this, itemIndex, () => command);
		},
	};
}

const sendOtherCommand: OperationModule = {
	description: [],
	wording,
	concurrency,
	async prepare(this: IExecuteFunctions, itemIndex: number): Promise<PreparedWrite> {
		return await prepareCommand.call(this, itemIndex, resolveOtherCommand);
	},
};

export const operations: Record<string, OperationModule> = {
	...Object.fromEntries(
		(Object.keys(CATALOG) as KnownCommand[]).map((capability) => [
			CATALOG[capability].operation.value,
			fixedCommand(capability),
		]),
	),
	[SEND_OTHER_COMMAND]: sendOtherCommand,
};

const operationOptions: INodePropertyOptions[] = [
	...Object.values(CATALOG).map(({ operation, description }) => ({
		name: operation.name,
		value: operation.value,
		description,
		action: operation.action,
	})),
	{
		name: 'Send Other Command',
		value: SEND_OTHER_COMMAND,
		description:
			'Send a command not in this list, by its capability name (e.g. HONK_HORN); as an AI agent tool, the model chooses the command',
		action: 'Send another command to a vehicle',
	},
].sort((a, b) => a.name.localeCompare(b.name));

/** What the model is told about the command it chooses in "Send Other Command". */
export const COMMAND_NAME_FOR_MODEL =
	"The command's capability name in capitals with underscores, e.g. HONK_HORN or LOCK_CENTRAL_LOCK. The vehicle's capabilities list the commands it supports.";

const allOperations = { show: { resource: ['vehicle'] } };
const otherCommand = forNodeAndTool({
	show: { resource: ['vehicle'], operation: [SEND_OTHER_COMMAND] },
});

const commandName: INodeProperties = {
	displayName: 'Command Name',
	name: 'commandName',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. HONK_HORN',
	description:
		'The capability name of the command (e.g. HONK_HORN) or its path segment (e.g. honk-horn).',
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: allOperations,
		options: operationOptions,
		default: DEFAULT_OPERATION,
	},
	{
		displayName:
			'Commands act on real vehicles (doors, immobilizer, horn). They are never resent automatically once they may have reached the vehicle.',
		name: 'physicalNotice',
		type: 'notice',
		default: '',
		displayOptions: allOperations,
	},
	...vehicleLocator(allOperations),
	{ ...commandName, displayOptions: otherCommand.node },
	{
		...commandName,
		displayOptions: otherCommand.tool,
		default: fromAi('command', COMMAND_NAME_FOR_MODEL),
	},
	commandSettings(allOperations),
];

/** The node's subtitle: the operation's name, or the command a "Send Other Command" sends. */
export const subtitle = `={{ ${[
	...operationOptions
		.filter((option) => option.value !== SEND_OTHER_COMMAND)
		.map((option) => `$parameter["operation"] === "${option.value}" ? "${option.name}" : `),
	// A command set by an expression shows the expression's text: the editor computes the
	// subtitle without input data, so evaluating it would leave the subtitle blank.
	'String($rawParameter["commandName"] || "").replace(/^=\\s*/, "command: ")',
].join('')} }}`;
