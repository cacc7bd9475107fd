/**
 * Physical commands in a batch: every item is checked before the first command goes out; the
 * first failure stops the batch (nothing starts after it, commands on their way finish) and the
 * error says for every item what happened; with Continue On Fail every item keeps its own result
 * or error item, in input order.
 */
import type { IDataObject } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { InversVehicleCommands } from '../../nodes/InversVehicleCommands/InversVehicleCommands.node';
import { problemTypes } from '../../nodes/shared/contract';
import { nodeTypes, PACKAGE } from '../harness/nodeTypes';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { runNode } from '../harness/workflowRunner';
import {
	COMMAND_ROUTE,
	commandsFor,
	readyVehicles,
	requestsTo,
	runCommands,
	sendCommandParameters,
	vehicleWithout,
} from './commandsTestKit';

const sim = useSimulator({ fleetSize: 40 });

beforeEach(() => {
	sim().faults.clear();
	sim().config.commandLatencyMs = 0;
});

interface BatchData {
	items_total: number;
	carried_out: number;
	failed: number;
	uncertain: number;
	not_sent: number;
	items: Array<IDataObject & { item_index: number; outcome: string }>;
}

function batchOf(error: { context?: IDataObject } | undefined): BatchData {
	return (error?.context?.data as { batch: BatchData }).batch;
}

/** Sends `command` to each vehicle of `ids` (one item each), with the item fields in `extra`. */
function sendToEach(
	ids: string[],
	command: string,
	options: IDataObject = {},
	extra: (index: number) => IDataObject = () => ({}),
) {
	return runCommands(
		sim(),
		sendCommandParameters('={{ $json.id }}', '={{ $json.command }}', options),
		ids.map((id, index) => ({ id, command, ...extra(index) })),
	);
}

describe('every item is checked before the first command is sent', () => {
	test.each([
		['vehicle ID', { id: 'not a vehicle!' }, 'The field "Vehicle" holds "not a vehicle!"'],
		['command', { command: 'unlock doors!' }, 'The field "Command" holds "unlock doors!"'],
		[
			'option',
			{ check: 'maybe' },
			'The option "Check Capability First" holds "maybe", which is not one of its choices',
		],
	])('a bad %s in item 17 fails the node with nothing sent', async (_case, bad, message) => {
		const ids = readyVehicles(sim(), 'DRAW_ATTENTION', 20);
		const posts = requestsTo(sim(), COMMAND_ROUTE);
		const executed = sim().stats.commandsReceived.length;
		const { error } = await runCommands(
			sim(),
			sendCommandParameters('={{ $json.id }}', '={{ $json.command }}', {
				checkCapability: '={{ $json.check }}',
				parallelCommands: 5,
			}),
			ids.map((id, index) => ({
				id,
				command: 'DRAW_ATTENTION',
				check: 'off',
				...(index === 17 ? bad : {}),
			})),
		);
		expect(error?.message).toContain(message);
		expect(error?.context?.itemIndex).toBe(17);
		expect(error?.description).toContain(
			'Nothing was sent: every item is checked before the first request goes out, and item 17 was refused',
		);
		expect(requestsTo(sim(), COMMAND_ROUTE)).toBe(posts);
		expect(sim().stats.commandsReceived.length).toBe(executed);
	});

	test('"Fail If Unsupported": a vehicle lacking the command in item 5 stops the node before any command', async () => {
		const cars = readyVehicles(sim(), 'UNLOCK_CENTRAL_LOCK', 7);
		const moped = vehicleWithout(sim(), 'UNLOCK_CENTRAL_LOCK');
		const ids = [...cars.slice(0, 5), moped, ...cars.slice(5)];
		const posts = requestsTo(sim(), COMMAND_ROUTE);
		const { error } = await sendToEach(ids, 'UNLOCK_CENTRAL_LOCK', { checkCapability: 'fail' });
		expect(error?.message).toContain(`Vehicle ${moped} does not support the command`);
		expect(error?.context?.itemIndex).toBe(5);
		expect(error?.description).toContain('Nothing was sent');
		expect(requestsTo(sim(), COMMAND_ROUTE)).toBe(posts);
	});
});

describe('a failing command stops the batch, and the error tells every item', () => {
	test('refused at once: the commands on their way finish, none starts after it', async () => {
		sim().config.commandLatencyMs = 150;
		const ids = readyVehicles(sim(), 'DRAW_ATTENTION', 10, 10);
		sim().faults.add({
			method: 'POST',
			path: `/vehicles/${ids[0]}/commands/`,
			kind: 'status',
			status: 409,
			problemType: problemTypes.conflictingState,
			detail: 'The vehicle is moving.',
		});
		const posts = requestsTo(sim(), COMMAND_ROUTE);
		const { error } = await sendToEach(ids, 'DRAW_ATTENTION', { parallelCommands: 3 });

		// Items 0, 1 and 2 left together; 0 was refused, 1 and 2 finished; nothing else went out.
		expect(requestsTo(sim(), COMMAND_ROUTE) - posts).toBe(3);
		expect(ids.map((id) => commandsFor(sim(), id).length)).toEqual([0, 1, 1, 0, 0, 0, 0, 0, 0, 0]);

		expect(error?.message).toBe(
			`Command DRAW_ATTENTION to vehicle ${ids[0]} was refused and not carried out (INVERS answered 409: The vehicle is moving): send it again only once the vehicle's state allows it. [item 0; batch stopped: 2 of 10 carried out, 7 not sent]`,
		);
		expect(error?.context?.itemIndex).toBe(0);
		const lines = error!.description!.split('\n');
		expect(lines).toContainEqual(
			expect.stringMatching(
				new RegExp(
					`^Carried out \\(2\\): item 1 vehicle ${ids[1]}: DRAW_ATTENTION \\(flow ID [0-9a-f-]{36}\\); item 2 vehicle ${ids[2]}: DRAW_ATTENTION \\(flow ID [0-9a-f-]{36}\\)\\.$`,
				),
			),
		);
		expect(lines).toContainEqual(
			expect.stringMatching(
				new RegExp(
					`^Failed, not carried out \\(1\\): item 0: Command DRAW_ATTENTION to vehicle ${ids[0]} was refused and not carried out \\(INVERS answered 409: The vehicle is moving\\): send it again only once the vehicle's state allows it \\(flow ID [0-9a-f-]{36}\\)\\.$`,
				),
			),
		);
		expect(lines).toContain(
			'Not sent (7): items 3–9. Nothing reached INVERS for them: they can be sent again as they are.',
		);
		expect(lines).toContainEqual(
			expect.stringMatching(/^Item 0: Command DRAW_ATTENTION to vehicle/),
		);
		expect(lines.join(' ')).toContain('The vehicle is moving.');

		const batch = batchOf(error);
		expect(batch).toMatchObject({ items_total: 10, carried_out: 2, failed: 1, not_sent: 7 });
		expect(batch.items.map((item) => item.outcome)).toEqual([
			'failed',
			'carried_out',
			'carried_out',
			...Array(7).fill('not_sent'),
		]);
		expect(batch.items[1]).toMatchObject({
			item_index: 1,
			vehicle_id: ids[1],
			command: 'DRAW_ATTENTION',
			flow_id: expect.stringMatching(/[0-9a-f-]{36}/),
		});
		expect(batch.items[9]).toEqual({
			item_index: 9,
			outcome: 'not_sent',
			vehicle_id: ids[9],
			command: 'DRAW_ATTENTION',
		});
	});

	test('an answer lost after the vehicle acted: "may or may not have been carried out", the others listed', async () => {
		sim().config.commandLatencyMs = 150;
		const ids = readyVehicles(sim(), 'DRAW_ATTENTION', 12, 20);
		// Item 3 leaves when item 0 is done, is executed, and its connection drops 150 ms later:
		// by then items 4 and 5 are on their way; nothing starts after the failure.
		sim().faults.add({
			method: 'POST',
			path: `/vehicles/${ids[3]}/commands/`,
			kind: 'drop',
			executeBeforeFault: true,
		});
		const posts = requestsTo(sim(), COMMAND_ROUTE);
		const { error } = await sendToEach(ids, 'DRAW_ATTENTION', { parallelCommands: 3 });

		expect(requestsTo(sim(), COMMAND_ROUTE) - posts).toBe(6);
		expect(ids.map((id) => commandsFor(sim(), id).length)).toEqual([
			1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
		]);
		expect(error?.message).toBe(
			`Command DRAW_ATTENTION to vehicle ${ids[3]} may or may not have been carried out (it was sent, but no answer came back): check the vehicle's latest state before sending it again. [item 3; batch stopped: 5 of 12 carried out, 1 may or may not have been, 6 not sent]`,
		);
		const lines = error!.description!.split('\n');
		expect(lines).toContainEqual(
			expect.stringMatching(
				/^Carried out \(5\): item 0 .*; item 1 .*; item 2 .*; item 4 .*; item 5 .*\.$/,
			),
		);
		expect(lines).toContainEqual(
			expect.stringMatching(
				new RegExp(
					`^May or may not have been carried out \\(1\\): item 3: Command DRAW_ATTENTION to vehicle ${ids[3]} may or may not have been carried out \\(it was sent, but no answer came back\\).*\\. Check each vehicle's latest state`,
				),
			),
		);
		expect(lines).toContainEqual(expect.stringMatching(/^Not sent \(6\): items 6–11\./));
		expect(batchOf(error).items[3]).toMatchObject({ outcome: 'uncertain', vehicle_id: ids[3] });
	});

	test('500 items: the description stays short, every item is in the error data', async () => {
		const vehicles = readyVehicles(sim(), 'REQUEST_VEHICLE_STATE', 40);
		const ids = Array.from({ length: 500 }, (_, index) => vehicles[index % vehicles.length]);
		// The 300th command is refused.
		sim().faults.add({
			method: 'POST',
			path: '/commands/',
			kind: 'status',
			status: 409,
			problemType: problemTypes.conflictingState,
			skip: 299,
		});
		const posts = requestsTo(sim(), COMMAND_ROUTE);
		const { error } = await sendToEach(ids, 'REQUEST_VEHICLE_STATE', { parallelCommands: 10 });
		const sent = requestsTo(sim(), COMMAND_ROUTE) - posts;
		// At most the 9 others on their way when it failed were sent after the refused one.
		expect(sent).toBeGreaterThanOrEqual(300);
		expect(sent).toBeLessThanOrEqual(309);

		const batch = batchOf(error);
		expect(batch.items).toHaveLength(500);
		expect(batch.carried_out + batch.failed + batch.not_sent).toBe(500);
		expect(batch.carried_out + batch.failed).toBe(sent);
		expect(batch.failed).toBe(1);
		for (const item of batch.items.filter((entry) => entry.outcome === 'carried_out')) {
			expect(item.flow_id).toMatch(/[0-9a-f-]{36}/);
			expect(item.vehicle_id).toBe(ids[item.item_index]);
		}

		const description = error!.description!;
		expect(description.length).toBeLessThan(4000);
		const lines = description.split('\n');
		const carried = lines.find((line) => line.startsWith('Carried out'))!;
		expect(carried).toMatch(
			new RegExp(`^Carried out \\(${batch.carried_out}\\): items 0–\\d+(, \\d+(–\\d+)?)*: `),
		);
		expect(carried).toContain(`${vehicles[0]}, ${vehicles[1]}, ${vehicles[2]}`);
		expect(carried).toContain(`and ${batch.carried_out - 100} more (flow IDs in the error data)`);
		expect(carried).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
		expect(lines).toContainEqual(
			expect.stringMatching(new RegExp(`^Not sent \\(${batch.not_sent}\\): items \\d+–499\\.`)),
		);
	});
});

describe('Continue On Fail: each item keeps its own result or error item, in input order', () => {
	function mixedBatch() {
		const [car1, car2] = readyVehicles(sim(), 'UNLOCK_CENTRAL_LOCK', 2, 1);
		const moped = vehicleWithout(sim(), 'UNLOCK_CENTRAL_LOCK');
		return { car1, car2, moped, ids: [car1, moped, car2, 'not a vehicle!'] };
	}

	test('regular output: results and error items in input order, error details name the item', async () => {
		const { car1, car2, moped, ids } = mixedBatch();
		const { items, error } = await runCommands(
			sim(),
			sendCommandParameters('={{ $json.id }}', 'UNLOCK_CENTRAL_LOCK'),
			ids.map((id) => ({ id })),
			true,
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
		expect(items[0].json).toMatchObject({ vehicle_id: car1, command: 'UNLOCK_CENTRAL_LOCK' });
		expect(items[1].json).toMatchObject({
			error: expect.stringMatching(
				new RegExp(
					`^Command UNLOCK_CENTRAL_LOCK to vehicle ${moped} was refused and not carried out `,
				),
			),
			details: {
				vehicle_id: moped,
				command: 'UNLOCK_CENTRAL_LOCK',
				outcome: 'failed',
				httpCode: '409',
				problemType: problemTypes.commandNotSupported,
				flow_id: expect.stringMatching(/[0-9a-f-]{36}/),
			},
		});
		expect(items[2].json).toMatchObject({ vehicle_id: car2, command: 'UNLOCK_CENTRAL_LOCK' });
		expect(items[3].json).toEqual({
			error: expect.stringContaining('The field "Vehicle" holds "not a vehicle!"'),
			details: {
				description: expect.stringContaining('An INVERS vehicle ID'),
				field: 'Vehicle',
				value: 'not a vehicle!',
				allowed: expect.stringContaining('letters, digits, "-" and "_"'),
				outcome: 'failed',
			},
		});
	});

	test('"Continue (using error output)": successes and failures on their own outputs, each in order', async () => {
		const { car1, car2, moped, ids } = mixedBatch();
		const { items, errorItems, error } = await runNode({
			node: 'inversVehicleCommands',
			typeVersion: 1,
			parameters: sendCommandParameters('={{ $json.id }}', 'UNLOCK_CENTRAL_LOCK'),
			credentials: simulatorCredentials(sim()),
			items: ids.map((id) => ({ id })),
			errorOutput: true,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => [item.pairedItem, item.json.vehicle_id])).toEqual([
			[{ item: 0 }, car1],
			[{ item: 2 }, car2],
		]);
		expect(errorItems.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 3 }]);
		expect(errorItems[0].json).toMatchObject({
			error: expect.stringMatching(
				new RegExp(
					`^Command UNLOCK_CENTRAL_LOCK to vehicle ${moped} was refused and not carried out `,
				),
			),
			details: { vehicle_id: moped, command: 'UNLOCK_CENTRAL_LOCK', outcome: 'failed' },
		});
		expect(errorItems[1].json).toMatchObject({
			details: { field: 'Vehicle', value: 'not a vehicle!' },
		});
	});

	test('a lost answer under Continue On Fail: the error item says it may have been carried out', async () => {
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 35);
		sim().faults.add({
			method: 'POST',
			path: `/vehicles/${id}/commands/`,
			kind: 'status',
			status: 500,
			executeBeforeFault: true,
		});
		const { items } = await runCommands(
			sim(),
			sendCommandParameters(id, 'DRAW_ATTENTION'),
			undefined,
			true,
		);
		expect(items[0].json.details).toMatchObject({ vehicle_id: id, outcome: 'uncertain' });
	});
});

describe('the chosen command stays visible', () => {
	/** The node's subtitle as n8n's editor computes it: no input data at hand. */
	function subtitle(parameters: IDataObject): unknown {
		const node = {
			id: 'commands',
			name: 'Commands',
			type: `${PACKAGE}.inversVehicleCommands`,
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: { resource: 'vehicle', operation: 'sendCommand', ...parameters },
		};
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
		const expression = new InversVehicleCommands().nodeVersions[1].description.subtitle!;
		return workflow.expression.getSimpleParameterValue(node, expression, 'internal', {});
	}

	test.each([
		['picked from the list', { command: 'UNLOCK_CENTRAL_LOCK' }, 'UNLOCK_CENTRAL_LOCK'],
		['entered under Other', { command: 'other', commandName: 'HONK_HORN' }, 'HONK_HORN'],
		['set by an expression', { command: '={{ $json.command }}' }, 'command: {{ $json.command }}'],
		[
			'named by an expression under Other',
			{ command: 'other', commandName: '={{ $json.name }}' },
			'command: {{ $json.name }}',
		],
		['a fixed expression', { command: '={{ "LOCK_TOP_CASE" }}' }, 'command: {{ "LOCK_TOP_CASE" }}'],
	])('in the subtitle when %s', (_case, parameters, expected) => {
		expect(subtitle(parameters)).toBe(expected);
	});

	test('in the output and in the error when set by an expression', async () => {
		const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, 36);
		const moped = vehicleWithout(sim(), 'UNLOCK_TOP_CASE');
		const ok = await sendToEach([id], 'DRAW_ATTENTION');
		expect(ok.items[0].json).toMatchObject({ vehicle_id: id, command: 'DRAW_ATTENTION' });
		const refused = await sendToEach([moped], 'unlock-top-case');
		expect(refused.error?.description).toMatch(
			new RegExp(`^Command UNLOCK_TOP_CASE to vehicle ${moped}\\. `),
		);
	});
});
