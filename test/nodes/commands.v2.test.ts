/**
 * INVERS Vehicle Commands version 2 (the default for new nodes): every command an operation of
 * its own, plus "Send Other Command". Run through n8n-core's engine against the simulator.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { CATALOG } from '../../nodes/InversVehicleCommands/actions/vehicle/commandCatalog';
import { KNOWN_COMMANDS } from '../../nodes/shared/contract';
import { vehicleById } from '../harness/params';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { runNode } from '../harness/workflowRunner';
import { COMMAND_ROUTE, commandsFor, readyVehicles, requestsTo } from './commandsTestKit';

const sim = useSimulator({ fleetSize: 40 });
beforeEach(() => sim().faults.clear());

function runV2(parameters: INodeParameters, items?: IDataObject[]) {
	return runNode({
		node: 'inversVehicleCommands',
		typeVersion: 2,
		parameters: { resource: 'vehicle', ...parameters },
		credentials: simulatorCredentials(sim()),
		items,
	});
}

describe('Vehicle Commands version 2: one operation per command', () => {
	test.each(KNOWN_COMMANDS.map((command) => [CATALOG[command].operation.value, command]))(
		'%s sends %s once, and nothing else',
		async (operation, command) => {
			const [id] = readyVehicles(sim(), command);
			const sent = commandsFor(sim(), id).length;
			const posts = requestsTo(sim(), COMMAND_ROUTE);
			const { items, error } = await runV2({
				operation,
				vehicle: vehicleById(id),
				options: { simplify: true },
			});
			expect(error).toBeUndefined();
			expect(commandsFor(sim(), id).slice(sent)).toEqual([command]);
			expect(requestsTo(sim(), COMMAND_ROUTE) - posts).toBe(1);
			expect(items[0].json).toMatchObject({ vehicle_id: id, command, skipped: false });
			expect(items[0].json.vehicle_state).toEqual(sim().getVehicleState(id));
		},
	);

	test('a new node (no operation chosen yet) requests the state: it changes nothing', async () => {
		const [id] = readyVehicles(sim(), 'REQUEST_VEHICLE_STATE');
		const sent = commandsFor(sim(), id).length;
		const { error } = await runV2({ vehicle: vehicleById(id) });
		expect(error).toBeUndefined();
		expect(commandsFor(sim(), id).slice(sent)).toEqual(['REQUEST_VEHICLE_STATE']);
	});

	test('a batch: every item gets the operation’s command, each vehicle from its item', async () => {
		const ids = readyVehicles(sim(), 'LOCK_CENTRAL_LOCK', 3, 3);
		const { items, error } = await runV2(
			{ operation: 'lockCentralLock', vehicle: vehicleById('={{ $json.id }}') },
			ids.map((id) => ({ id })),
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.json.vehicle_id, item.json.command])).toEqual(
			ids.map((id) => [id, 'LOCK_CENTRAL_LOCK']),
		);
		for (const id of ids) expect(sim().getVehicleState(id)!.central_lock.value).toBe('LOCKED');
	});

	test('Send Other Command: a name in either spelling; a bad or empty one is refused before sending', async () => {
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 6);
		const viaName = await runV2({
			operation: 'sendOtherCommand',
			vehicle: vehicleById(id),
			commandName: 'draw-attention',
		});
		expect(viaName.error).toBeUndefined();
		expect(viaName.items[0].json.command).toBe('DRAW_ATTENTION');

		const posts = requestsTo(sim(), COMMAND_ROUTE);
		const bad = await runV2({
			operation: 'sendOtherCommand',
			vehicle: vehicleById(id),
			commandName: 'honk horn!',
		});
		expect(bad.error?.message).toBe(
			'The field "Command Name" holds "honk horn!", which is not a command name: give a capability name such as HONK_HORN (nothing was sent)',
		);
		// Left empty, n8n itself refuses to run the node (the field is required); an expression that
		// gives nothing is the node's to refuse.
		const unset = runV2({ operation: 'sendOtherCommand', vehicle: vehicleById(id) });
		await expect(unset).rejects.toThrow('Parameter "Command Name" is required');
		const empty = await runV2(
			{ operation: 'sendOtherCommand', vehicle: vehicleById(id), commandName: '={{ $json.name }}' },
			[{ name: '' }],
		);
		expect(empty.error?.message).toBe(
			'The field "Command Name" is empty: choose a command or enter its name',
		);
		expect(requestsTo(sim(), COMMAND_ROUTE)).toBe(posts);
	});

	test('options work as in version 1: Check Capability First skips a vehicle lacking the command', async () => {
		const moped = sim()
			.vehicleIds()
			.find((v) => !sim().getVehicle(v)!.capabilities.commands.includes('UNLOCK_CENTRAL_LOCK'))!;
		const posts = requestsTo(sim(), COMMAND_ROUTE);
		const { items, error } = await runV2({
			operation: 'unlockCentralLock',
			vehicle: vehicleById(moped),
			options: { checkCapability: 'skip' },
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ vehicle_id: moped, skipped: true });
		expect(requestsTo(sim(), COMMAND_ROUTE)).toBe(posts);
	});

	test('an error names the operation’s command and vehicle in its message', async () => {
		const [id] = readyVehicles(sim(), 'LOCK_CENTRAL_LOCK', 1, 8);
		sim().setVehicleState(id, { ignition: 'ON' });
		const { error } = await runV2({ operation: 'lockCentralLock', vehicle: vehicleById(id) });
		expect(error?.message).toBe(
			`Command LOCK_CENTRAL_LOCK to vehicle ${id} was refused and not carried out (INVERS answered 409: Vehicle '${id}' cannot LOCK_CENTRAL_LOCK while its ignition is ON): send it again only once the vehicle's state allows it.`,
		);
		sim().setVehicleState(id, { ignition: 'OFF' });
	});
});
