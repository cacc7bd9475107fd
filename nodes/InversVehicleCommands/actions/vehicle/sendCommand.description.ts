import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { vehicleLocator } from '../../../shared/descriptions/vehicleLocator';
import { commandOptions, OTHER_COMMAND } from './commandCatalog';
import { timeoutOption } from '../../../shared/descriptions/timeoutOption';

const show = { show: { resource: ['vehicle'], operation: ['sendCommand'] } };

export const DEFAULT_PARALLEL_COMMANDS = 5;
export const MAX_PARALLEL_COMMANDS = 50;

export const sendCommandDescription: INodeProperties[] = [
	{
		displayName:
			'Commands act on real vehicles (doors, immobilizer, horn). They are never resent automatically once they may have reached the vehicle.',
		name: 'physicalNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	...vehicleLocator(show),
	{
		displayName: 'Command',
		name: 'command',
		type: 'options',
		options: commandOptions,
		default: 'REQUEST_VEHICLE_STATE',
		required: true,
		displayOptions: show,
		description:
			'What the vehicle should do. INVERS may offer more commands than listed: choose Other or set any capability name by expression.',
	},
	{
		displayName: 'Command Name',
		name: 'commandName',
		type: 'string',
		default: '',
		// Not marked required: n8n would then demand it whenever "Command" is an expression.
		placeholder: 'e.g. HONK_HORN',
		displayOptions: { show: { ...show.show, command: [OTHER_COMMAND] } },
		description:
			'The capability name of the command (e.g. HONK_HORN) or its path segment (e.g. honk-horn).',
	},
	commandSettings(show),
];

/** The Options of every command operation (both versions): capability check, parallelism, output. */
export function commandSettings(displayOptions: IDisplayOptions): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions,
		options: [
			{
				displayName: 'Check Capability First',
				name: 'checkCapability',
				type: 'options',
				default: 'off',
				options: [
					{
						name: 'Off',
						value: 'off',
						description: 'Send the command right away; INVERS refuses unsupported commands',
					},
					{
						name: 'Fail If Unsupported',
						value: 'fail',
						description:
							"Read the vehicle's capabilities first and fail without sending if it lacks the command",
					},
					{
						name: 'Skip If Unsupported',
						value: 'skip',
						description:
							'Read the vehicle\'s capabilities first and output a "skipped" item without sending if it lacks the command',
					},
				],
				description:
					"Whether to read the vehicle's command capabilities (once per vehicle and run) before sending, so that an unsupported command never goes out",
			},
			{
				displayName: 'Parallel Commands',
				name: 'parallelCommands',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: MAX_PARALLEL_COMMANDS },
				default: DEFAULT_PARALLEL_COMMANDS,
				description:
					'How many input items send their command at the same time. Output keeps the input order; rate limits are honoured across all of them.',
			},
			{
				displayName: 'Simplify',
				name: 'simplify',
				type: 'boolean',
				default: false,
				description:
					'Whether to add the returned state as plain values (property → value) under simplified_state',
			},
			{
				...timeoutOption,
				description:
					'How long to wait for the vehicle to answer. A command that times out may or may not have been carried out.',
			},
		],
	};
}
