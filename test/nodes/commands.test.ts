import { problemTypes } from '../../nodes/shared/contract';
import { useSimulator } from '../harness/simulatorFixture';
import {
	COMMAND_ROUTE,
	commandsFor,
	GET_VEHICLE_ROUTE,
	readyVehicles,
	requestsTo,
	runCommands,
	sendCommandParameters,
	vehicleWithout,
} from './commandsTestKit';

const sim = useSimulator({ fleetSize: 40 });

beforeEach(() => sim().faults.clear());

/** Each command, the state property it changes, the value before and the value after. */
const EFFECTS: Array<[string, string | undefined, unknown, unknown]> = [
	['UNLOCK_CENTRAL_LOCK', 'central_lock', 'LOCKED', 'UNLOCKED'],
	['LOCK_CENTRAL_LOCK', 'central_lock', 'UNLOCKED', 'LOCKED'],
	['ENABLE_DRIVING', 'driving_enabled', false, true],
	['DISABLE_DRIVING', 'driving_enabled', true, false],
	['UNLOCK_AND_ENABLE_DRIVING', 'central_lock', 'LOCKED', 'UNLOCKED'],
	['LOCK_AND_DISABLE_DRIVING', 'driving_enabled', true, false],
	['UNLOCK_TOP_CASE', 'top_case_lock', 'LOCKED', 'UNLOCKED'],
	['LOCK_TOP_CASE', 'top_case_lock', 'UNLOCKED', 'LOCKED'],
	['UNLOCK_BATTERY_COMPARTMENT', 'battery_compartment_lock', 'LOCKED', 'UNLOCKED'],
	['DRAW_ATTENTION', undefined, undefined, undefined],
	['REQUEST_VEHICLE_STATE', undefined, undefined, undefined],
];

describe('Send Command: every command of the contract', () => {
	test.each(EFFECTS)(
		'%s is sent once and changes the latest state',
		async (command, property, before, after) => {
			const [id] = readyVehicles(sim(), command);
			if (property) sim().setVehicleState(id, { [property]: before });
			const sentBefore = commandsFor(sim(), id).length;

			const { items, error } = await runCommands(
				sim(),
				sendCommandParameters(id, command, { simplify: true }),
			);

			expect(error).toBeUndefined();
			expect(commandsFor(sim(), id).slice(sentBefore)).toEqual([command]);
			const json = items[0].json;
			expect(json).toMatchObject({ vehicle_id: id, command, skipped: false });
			expect(json.flow_id).toMatch(/[0-9a-f-]{36}/);
			expect(json.vehicle_state).toEqual(sim().getVehicleState(id));
			if (property) {
				expect(sim().getVehicleState(id)![property].value).toEqual(after);
				expect((json.simplified_state as Record<string, unknown>)[property]).toEqual(after);
			}
			expect(items[0].pairedItem).toEqual({ item: 0 });
		},
	);

	test('any other command by name, in either spelling (Other field or expression)', async () => {
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION');
		const viaOther = await runCommands(
			sim(),
			sendCommandParameters(id, 'other', {}, { commandName: 'draw-attention' }),
		);
		expect(viaOther.error).toBeUndefined();
		expect(viaOther.items[0].json.command).toBe('DRAW_ATTENTION');
		// An unknown capability goes out as its kebab-case path segment; INVERS decides.
		const unknown = await runCommands(sim(), sendCommandParameters(id, '={{ "HONK_HORN" }}'));
		expect(unknown.error?.message).toBe(
			`Command HONK_HORN to vehicle ${id} was refused and not carried out (INVERS answered 409: the vehicle does not support this command): use a command the vehicle supports (Vehicle Management → Get Capabilities lists them).`,
		);
		expect(unknown.error?.description).toContain('HONK_HORN');
		const bad = await runCommands(
			sim(),
			sendCommandParameters(id, 'other', {}, { commandName: 'honk horn!' }),
		);
		expect(bad.error?.message).toContain('"Command Name" holds "honk horn!"');
		const empty = await runCommands(sim(), sendCommandParameters(id, 'other'));
		expect(empty.error?.message).toBe(
			'The field "Command Name" is empty: choose a command or enter its name',
		);
		expect(bad.error?.message).toContain('nothing was sent');
	});

	test('Simplify off: only the raw state', async () => {
		const [id] = readyVehicles(sim(), 'REQUEST_VEHICLE_STATE');
		const { items } = await runCommands(sim(), sendCommandParameters(id, 'REQUEST_VEHICLE_STATE'));
		expect(items[0].json.simplified_state).toBeUndefined();
		expect(items[0].json.vehicle_state).toEqual(sim().getVehicleState(id));
	});
});

describe('Send Command: what INVERS refuses, and what to do about it', () => {
	test('409 command not supported', async () => {
		const id = vehicleWithout(sim(), 'UNLOCK_TOP_CASE');
		const { error } = await runCommands(sim(), sendCommandParameters(id, 'UNLOCK_TOP_CASE'));
		expect(error?.message).toBe(
			`Command UNLOCK_TOP_CASE to vehicle ${id} was refused and not carried out (INVERS answered 409: the vehicle does not support this command): use a command the vehicle supports (Vehicle Management → Get Capabilities lists them).`,
		);
		expect(error?.httpCode).toBe('409');
		expect(error?.description).toContain('lacks this command capability');
		expect(error?.description).toContain('Check Capability First');
		expect(error?.description).toMatch(/Flow ID: [0-9a-f-]{36}/);
	});

	test('409 conflicting state: locking while the ignition is on', async () => {
		const [id] = readyVehicles(sim(), 'LOCK_CENTRAL_LOCK');
		sim().setVehicleState(id, { ignition: 'ON' });
		const sent = commandsFor(sim(), id).length;
		const { error } = await runCommands(sim(), sendCommandParameters(id, 'LOCK_CENTRAL_LOCK'));
		// INVERS's reason (here: the ignition is on) is in the message: an AI agent gets nothing else.
		expect(error?.message).toBe(
			`Command LOCK_CENTRAL_LOCK to vehicle ${id} was refused and not carried out (INVERS answered 409: Vehicle '${id}' cannot LOCK_CENTRAL_LOCK while its ignition is ON): send it again only once the vehicle's state allows it.`,
		);
		expect(error?.description).toContain('Try again once the state has changed');
		expect(commandsFor(sim(), id).length).toBe(sent);
	});

	test('409 shared with partner', async () => {
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 1);
		sim().setVehicleFlags(id, { sharedWithPartner: true });
		const { error } = await runCommands(sim(), sendCommandParameters(id, 'DRAW_ATTENTION'));
		expect(error?.message).toBe(
			`Command DRAW_ATTENTION to vehicle ${id} was refused and not carried out (INVERS answered 409: the vehicle is lent to a partner fleet right now): send it again once the vehicle is back in this fleet.`,
		);
		expect(error?.description).toContain('lent to a partner fleet');
		sim().setVehicleFlags(id, { sharedWithPartner: false });
	});

	test('409 setup not finished', async () => {
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 2);
		sim().setVehicleFlags(id, { setupStatus: 'PENDING' });
		const { error } = await runCommands(sim(), sendCommandParameters(id, 'DRAW_ATTENTION'));
		expect(error?.message).toBe(
			`Command DRAW_ATTENTION to vehicle ${id} was refused and not carried out (INVERS answered 409: the vehicle's setup has not finished or failed): wait until the vehicle's setup status is SUCCEEDED, then send it again.`,
		);
		expect(error?.description).toContain('wait until its setup status is SUCCEEDED');
		sim().setVehicleFlags(id, { setupStatus: 'SUCCEEDED' });
	});

	test('500 telematics unit error (vehicle offline): not resent, operator told to check the state', async () => {
		const [id] = readyVehicles(sim(), 'UNLOCK_CENTRAL_LOCK', 1, 3);
		sim().setVehicleFlags(id, { lifeStatus: 'OFFLINE' });
		const before = requestsTo(sim(), COMMAND_ROUTE);
		const { error } = await runCommands(sim(), sendCommandParameters(id, 'UNLOCK_CENTRAL_LOCK'));
		expect(error?.message).toBe(
			`Command UNLOCK_CENTRAL_LOCK to vehicle ${id} may or may not have been carried out (INVERS answered 500: the vehicle's telematics unit failed or did not answer, perhaps offline or without coverage): check the vehicle's latest state before sending it again.`,
		);
		expect(error?.httpCode).toBe('500');
		expect(error?.description).toContain('check the latest vehicle state before sending it again');
		expect(requestsTo(sim(), COMMAND_ROUTE) - before).toBe(1);
	});

	test('a client without the vehicle-commands permission is told which one to grant', async () => {
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION');
		const { runNode } = await import('../harness/workflowRunner');
		const { simulatorCredentials } = await import('../harness/simulatorFixture');
		const { error } = await runNode({
			node: 'inversVehicleCommands',
			typeVersion: 1,
			parameters: sendCommandParameters(id, 'DRAW_ATTENTION'),
			credentials: simulatorCredentials(sim(), 'nocommands#client', 'nocommands-secret'),
		});
		expect(error?.httpCode).toBe('403');
		expect(error?.description).toContain('"vehicle-commands"');
	});

	test('continueOnFail: each failing item becomes an error item with its problem type', async () => {
		const [ok] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 4);
		const moped = vehicleWithout(sim(), 'UNLOCK_CENTRAL_LOCK');
		const [car] = readyVehicles(sim(), 'UNLOCK_CENTRAL_LOCK', 1, 5);
		const { items, error } = await runCommands(
			sim(),
			sendCommandParameters('={{ $json.id }}', '={{ $json.command }}'),
			[
				{ id: ok, command: 'DRAW_ATTENTION' },
				{ id: moped, command: 'UNLOCK_CENTRAL_LOCK' },
				{ id: car, command: 'UNLOCK_CENTRAL_LOCK' },
			],
			true,
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.command).toBe('DRAW_ATTENTION');
		expect(items[1].json).toMatchObject({
			error: expect.stringMatching(
				new RegExp(
					`^Command UNLOCK_CENTRAL_LOCK to vehicle ${moped} was refused and not carried out `,
				),
			),
			details: { problemType: problemTypes.commandNotSupported },
		});
		expect(items[2].json).toMatchObject({ vehicle_id: car, command: 'UNLOCK_CENTRAL_LOCK' });
	});
});

describe('Send Command: Check Capability First', () => {
	test('"Fail": an unsupported command fails before anything is sent', async () => {
		const id = vehicleWithout(sim(), 'UNLOCK_CENTRAL_LOCK');
		const sent = sim().stats.commandsReceived.length;
		const posts = requestsTo(sim(), COMMAND_ROUTE);
		const { error } = await runCommands(
			sim(),
			sendCommandParameters(id, 'UNLOCK_CENTRAL_LOCK', { checkCapability: 'fail' }),
		);
		// What it supports is in the message: an AI agent can choose another command from it.
		expect(error?.message).toBe(
			`Vehicle ${id} does not support the command UNLOCK_CENTRAL_LOCK; nothing was sent to it: it supports ${sim().getVehicle(id)!.capabilities.commands.join(', ')}`,
		);
		expect(sim().stats.commandsReceived.length).toBe(sent);
		expect(requestsTo(sim(), COMMAND_ROUTE)).toBe(posts);
	});

	test('"Skip": unsupported items are marked skipped, the others are sent; one GET per vehicle', async () => {
		const moped = vehicleWithout(sim(), 'UNLOCK_CENTRAL_LOCK');
		const [car] = readyVehicles(sim(), 'UNLOCK_CENTRAL_LOCK', 1, 6);
		const gets = requestsTo(sim(), GET_VEHICLE_ROUTE);
		const posts = requestsTo(sim(), COMMAND_ROUTE);
		const ids = [moped, car, moped, car, moped, car];
		const { items, error } = await runCommands(
			sim(),
			sendCommandParameters('={{ $json.id }}', 'UNLOCK_CENTRAL_LOCK', { checkCapability: 'skip' }),
			ids.map((id) => ({ id })),
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.vehicle_id)).toEqual(ids);
		for (const index of [0, 2, 4]) {
			expect(items[index].json).toMatchObject({ skipped: true, command: 'UNLOCK_CENTRAL_LOCK' });
			expect(items[index].json.reason).toContain('nothing was sent');
		}
		for (const index of [1, 3, 5]) expect(items[index].json.skipped).toBe(false);
		// Parallel items share one capability read per vehicle and run.
		expect(requestsTo(sim(), GET_VEHICLE_ROUTE) - gets).toBe(2);
		expect(requestsTo(sim(), COMMAND_ROUTE) - posts).toBe(3);
	});

	test('a supported command goes out after the check', async () => {
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 7);
		const before = commandsFor(sim(), id).length;
		const { error } = await runCommands(
			sim(),
			sendCommandParameters(id, 'DRAW_ATTENTION', { checkCapability: 'fail' }),
		);
		expect(error).toBeUndefined();
		expect(commandsFor(sim(), id).length - before).toBe(1);
	});

	test('an unknown vehicle fails on the capability read with a clear not-found error', async () => {
		const { error } = await runCommands(
			sim(),
			sendCommandParameters('NOPE9', 'DRAW_ATTENTION', { checkCapability: 'skip' }),
		);
		expect(error?.httpCode).toBe('404');
		expect(error?.description).toContain('No vehicle with this ID exists');
	});
});
