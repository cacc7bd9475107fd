/**
 * What an AI agent learns about the INVERS nodes it is given as tools: n8n derives each tool's
 * name and description from the node's action, and its input schema from the `$fromAI` calls in
 * its parameters (n8n-workflow's and n8n-core's own functions, used here as n8n uses them). The
 * end-to-end test (test/e2e/agent.e2e.test.ts) checks what a real n8n sends a model.
 */
import { CATALOG } from '../../nodes/InversVehicleCommands/actions/vehicle/commandCatalog';
import { COMMAND_NAME_FOR_MODEL } from '../../nodes/InversVehicleCommands/actions/vehicle/commandOperations';
import { SEARCH_FOR_MODEL } from '../../nodes/InversVehicleManagement/actions/vehicle/getMany.operation';
import { VEHICLE_ID_FOR_MODEL } from '../../nodes/shared/descriptions/vehicleLocator';
import { KNOWN_COMMANDS } from '../../nodes/shared/contract';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INode, INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { nodeTypes, PACKAGE } from '../harness/nodeTypes';
import { vehicleById } from '../harness/params';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import {
	registerToolVariant,
	toolDescriptionOf,
	toolNode,
	toolSchema,
} from '../harness/toolVariant';
import { runNode } from '../harness/workflowRunner';
import { COMMAND_ROUTE, commandsFor, readyVehicles, requestsTo } from './commandsTestKit';

const V2_OPERATIONS = [
	...KNOWN_COMMANDS.map((command) => CATALOG[command].operation.value),
	'sendOtherCommand',
];

function commandTool(operation: string) {
	return toolNode('inversVehicleCommands', { resource: 'vehicle', operation }, 2);
}

describe('Vehicle Commands version 2 as tools: a name and description per command', () => {
	const tools = V2_OPERATIONS.map((operation) => ({ operation, ...commandTool(operation) }));

	test('every command reaches the model under a name and description of its own', () => {
		expect(new Set(tools.map((tool) => tool.toolName)).size).toBe(tools.length);
		expect(new Set(tools.map((tool) => tool.toolDescription)).size).toBe(tools.length);
		expect(commandTool('lockCentralLock')).toMatchObject({
			toolName: 'Lock_the_central_lock_of_a_vehicle_in_INVERS_Vehicle_Commands',
			toolDescription: 'Lock the central lock of a vehicle in INVERS Vehicle Commands',
		});
		expect(commandTool('unlockCentralLock')).toMatchObject({
			toolName: 'Unlock_the_central_lock_of_a_vehicle_in_INVERS_Vehicle_Commands',
			toolDescription: 'Unlock the central lock of a vehicle in INVERS Vehicle Commands',
		});
	});

	test('no name is cut: n8n truncates tool names at 64 characters', () => {
		for (const { node, toolName } of tools) {
			expect(toolName).toBe(node.name.replace(/[^a-zA-Z0-9_-]+/g, '_'));
			expect(toolName.length).toBeLessThanOrEqual(64);
		}
	});

	test('searching "unlock" in the node panel finds every unlocking action, and only those', () => {
		const operation = toolDescriptionOf('inversVehicleCommands', 2).properties.find(
			(property) => property.name === 'operation',
		)!;
		const actions = (operation.options as Array<{ value: string; action: string }>)
			.filter((option) => /unlock/i.test(option.action))
			.map((option) => option.value)
			.sort();
		expect(actions).toEqual(
			[
				'unlockAndEnableDriving',
				'unlockBatteryCompartment',
				'unlockCentralLock',
				'unlockTopCase',
			].sort(),
		);
	});

	test('each tool asks the model for the vehicle ID, described; Send Other Command also for the command', () => {
		for (const { operation, node } of tools) {
			const schema = toolSchema(node);
			expect(schema.vehicle_id).toEqual({ type: 'ZodString', description: VEHICLE_ID_FOR_MODEL });
			if (operation === 'sendOtherCommand') {
				expect(schema).toEqual({
					vehicle_id: expect.anything(),
					command: { type: 'ZodString', description: COMMAND_NAME_FOR_MODEL },
				});
			} else {
				expect(Object.keys(schema)).toEqual(['vehicle_id']);
			}
		}
		expect(VEHICLE_ID_FOR_MODEL).toMatch(/not a licence plate/i);
	});

	test('as a plain node (not a tool) nothing is preset for a model', () => {
		const { description } = nodeTypes.getByNameAndVersion(`${PACKAGE}.inversVehicleCommands`, 2);
		const parameters = NodeHelpers.getNodeParameters(
			description.properties,
			{ resource: 'vehicle', operation: 'sendOtherCommand' },
			true,
			false,
			null,
			description,
		)!;
		expect(parameters.vehicle).toEqual({ __rl: true, mode: 'list', value: '' });
		expect(parameters.commandName).toBe('');
		expect(JSON.stringify(parameters)).not.toContain('$fromAI');
	});
});

describe('version 1 keeps what saved workflows had', () => {
	test('its tool is still "Send a command to a vehicle", the command chosen in its dropdown', () => {
		const { toolDescription, node } = toolNode(
			'inversVehicleCommands',
			{ resource: 'vehicle', operation: 'sendCommand', command: 'LOCK_CENTRAL_LOCK' },
			1,
		);
		expect(toolDescription).toBe('Send a command to a vehicle in INVERS Vehicle Commands');
		expect(node.parameters.command).toBe('LOCK_CENTRAL_LOCK');
	});
});

describe('the other nodes as tools: the vehicle ID and the search text are described', () => {
	test.each([
		['inversVehicleManagement', { resource: 'vehicle', operation: 'get' }],
		['inversVehicleManagement', { resource: 'vehicle', operation: 'getLatestState' }],
		['inversVehicleManagement', { resource: 'vehicle', operation: 'getCapabilities' }],
		['inversVehicleManagement', { resource: 'vehicle', operation: 'update' }],
		['inversVehicleLifecycle', { resource: 'vehicle', operation: 'remove' }],
	])('%s %o: vehicle_id', (type, parameters) => {
		const { node } = toolNode(type, parameters);
		expect(toolSchema(node)).toEqual({
			vehicle_id: { type: 'ZodString', description: VEHICLE_ID_FOR_MODEL },
		});
	});

	test('Get Many: the search text, with which a model finds a vehicle’s ID from its plate', () => {
		const { node, toolDescription } = toolNode('inversVehicleManagement', {
			resource: 'vehicle',
			operation: 'getMany',
		});
		expect(toolSchema(node)).toEqual({
			search: { type: 'ZodString', description: SEARCH_FOR_MODEL },
		});
		expect(toolDescription).toBe('Get many vehicles in INVERS Vehicle Management');
	});
});

describe('a tool node runs with what the model filled in', () => {
	const sim = useSimulator({ fleetSize: 20 });
	const tool = registerToolVariant('inversVehicleCommands');

	function runTool(operation: string, args: Record<string, string>) {
		return runNode({
			node: tool,
			typeVersion: 2,
			// As the editor saves a tool node: the tool's defaults, here the model's vehicle ID.
			parameters: commandTool(operation).node.parameters,
			credentials: simulatorCredentials(sim()),
			items: [args],
		});
	}

	test('the vehicle the model named gets the command, once', async () => {
		const [id] = readyVehicles(sim(), 'LOCK_CENTRAL_LOCK');
		const sent = commandsFor(sim(), id).length;
		const { items, error } = await runTool('lockCentralLock', { vehicle_id: id });
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ vehicle_id: id, command: 'LOCK_CENTRAL_LOCK' });
		expect(commandsFor(sim(), id).slice(sent)).toEqual(['LOCK_CENTRAL_LOCK']);
	});

	test('the command the model chose, in Send Other Command', async () => {
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 1);
		const { items, error } = await runTool('sendOtherCommand', {
			vehicle_id: id,
			command: 'DRAW_ATTENTION',
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ vehicle_id: id, command: 'DRAW_ATTENTION' });
	});

	test('a licence plate instead of an ID: refused before anything is sent, saying so', async () => {
		const posts = requestsTo(sim(), COMMAND_ROUTE);
		const { error } = await runTool('unlockCentralLock', { vehicle_id: 'B-IV 123' });
		expect(error?.message).toBe(
			'The field "Vehicle" holds "B-IV 123", which is not a vehicle ID: INVERS vehicle IDs have only letters, digits, "-" and "_" (e.g. JQ7RP), and a licence plate or name is not one; nothing was sent',
		);
		expect(requestsTo(sim(), COMMAND_ROUTE)).toBe(posts);
	});

	test('a plain node keeps its vehicle picker', async () => {
		const [id] = readyVehicles(sim(), 'REQUEST_VEHICLE_STATE', 1, 2);
		const { error, items } = await runNode({
			node: 'inversVehicleCommands',
			typeVersion: 2,
			parameters: {
				resource: 'vehicle',
				operation: 'requestVehicleState',
				vehicle: vehicleById(id),
			},
			credentials: simulatorCredentials(sim()),
		});
		expect(error).toBeUndefined();
		expect(items[0].json.vehicle_id).toBe(id);
	});
});

describe('example 7 (the fleet assistant) uses the tools as the node panel adds them', () => {
	const example = JSON.parse(
		readFileSync(
			path.join(__dirname, '..', '..', 'examples', '07-fleet-assistant-agent.json'),
			'utf8',
		),
	) as { nodes: INode[] };
	const tools = example.nodes.filter((node) => node.type.startsWith('n8n-nodes-invers-oneapi.'));

	test('its INVERS tools: two look-ups and the two lock commands, nothing else', () => {
		expect(tools.map((node) => [node.type.split('.')[1], node.parameters.operation])).toEqual([
			['inversVehicleManagementTool', 'getMany'],
			['inversVehicleManagementTool', 'getLatestState'],
			['inversVehicleCommandsTool', 'lockCentralLock'],
			['inversVehicleCommandsTool', 'unlockCentralLock'],
		]);
	});

	test.each(tools.map((node) => [node.name, node]))(
		'"%s": the name n8n gives it, and the model-filled values the node presets',
		(_name, saved) => {
			const type = (saved as INode).type.split('.')[1].replace(/Tool$/, '');
			const { node } = toolNode(
				type,
				(saved as INode).parameters as INodeParameters,
				(saved as INode).typeVersion,
			);
			expect((saved as INode).name).toBe(node.name);
			for (const key of ['vehicle', 'search']) {
				if (key in (saved as INode).parameters) {
					const preset = toolNode(
						type,
						{ resource: 'vehicle', operation: (saved as INode).parameters.operation as string },
						(saved as INode).typeVersion,
					).node.parameters[key];
					expect((saved as INode).parameters[key]).toEqual(preset);
				}
			}
		},
	);
});
