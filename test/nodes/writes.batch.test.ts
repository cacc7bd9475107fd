/**
 * Add, Remove and Update in a batch, as commands: every item is checked before the first request;
 * a failure stops the batch and the error says which items were written; a retried DELETE that
 * finds the vehicle gone counts it as removed; an Add whose answer was lost says how to check.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { management, vehicleById } from '../harness/params';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { runNode } from '../harness/workflowRunner';
import { requestsTo } from './commandsTestKit';

const sim = useSimulator({ fleetSize: 30 });

const NIU_NQI = '01HQNGRMFD70AH9ZTK3YJK33TN';
const ADD_ROUTE = 'POST /vehicles';
const PATCH_ROUTE = 'PATCH /vehicles/:id';
const DELETE_ROUTE = 'DELETE /vehicles/:id';
/** Unassigned NIU units of the simulator's registry; each test takes its own. */
let nextUnit = 20_100;
const newUnits = (count: number) => Array.from({ length: count }, () => `NIU-${nextUnit++}`);

afterEach(() => sim().faults.clear());

function lifecycle(parameters: IDataObject, items?: IDataObject[], continueOnFail = false) {
	return runNode({
		node: 'inversVehicleLifecycle',
		parameters: { resource: 'vehicle', ...parameters } as INodeParameters,
		credentials: simulatorCredentials(sim()),
		items,
		continueOnFail,
	});
}

/** Add one NIU moped per row; rows give `unit` and `plate`. */
function addRows(rows: IDataObject[], options: IDataObject = {}) {
	return lifecycle(
		{
			operation: 'add',
			telematicsBrand: 'NIU',
			telematicsUnitId: '={{ $json.unit }}',
			vehicleModelId: NIU_NQI,
			credentialsId: 'oem-credentials-1',
			masterData: { license_plate: '={{ $json.plate }}', vin: '={{ $json.vin }}' },
			options,
		},
		rows,
	);
}

function vehicleWithUnit(unitId: string): string | undefined {
	return sim()
		.vehicleIds()
		.find((id) => sim().getVehicle(id)!.telematics_unit.id === unitId);
}

describe('Add in a batch', () => {
	test('a bad VIN in row 3: nothing is added', async () => {
		const units = newUnits(5);
		const before = requestsTo(sim(), ADD_ROUTE);
		const { error } = await addRows(
			units.map((unit, index) => ({
				unit,
				plate: `B-BA ${index}`,
				vin: index === 3 ? 'NOT-A-VIN' : '',
			})),
		);
		expect(error?.message).toContain('The field "VIN" holds "NOT-A-VIN"');
		expect(error?.context?.itemIndex).toBe(3);
		expect(error?.description).toContain('Nothing was sent');
		expect(requestsTo(sim(), ADD_ROUTE)).toBe(before);
		expect(units.map(vehicleWithUnit)).toEqual(units.map(() => undefined));
	});

	test('row 4 refused: the error lists the vehicles added before it and the rows not sent', async () => {
		const units = newUnits(7);
		units[4] = 'NIU-99999999'; // not in the registry: referenced-resource-not-found
		const { error } = await addRows(units.map((unit, index) => ({ unit, plate: `B-BB ${index}` })));
		expect(error?.message).toMatch(
			new RegExp(
				`^Adding telematics unit NIU-99999999 \\(NIU\\) with vehicle model ${NIU_NQI} was refused; nothing changed \\(INVERS answered 400: .*\\): check the telematics unit ID, the vehicle model ID and the OEM credentials ID\\. \\[item 4; batch stopped: 4 of 7 added, 2 not sent\\]$`,
			),
		);
		const added = units.slice(0, 4).map((unit) => vehicleWithUnit(unit)!);
		expect(added.every(Boolean)).toBe(true);
		const lines = error!.description!.split('\n');
		expect(lines).toContainEqual(
			expect.stringMatching(
				new RegExp(
					`^Added \\(4\\): item 0 unit ${units[0]} \\(NIU\\) → vehicle ${added[0]} \\(flow ID [0-9a-f-]{36}\\); item 1 unit ${units[1]} \\(NIU\\) → vehicle ${added[1]} `,
				),
			),
		);
		expect(lines).toContainEqual(
			expect.stringMatching(
				/^Failed, not added \(1\): item 4: Adding telematics unit NIU-99999999 \(NIU\) with vehicle model \S+ was refused; nothing changed /,
			),
		);
		expect(lines).toContainEqual(expect.stringMatching(/^Not sent \(2\): items 5–6\./));
		const batch = (error?.context?.data as { batch: { items: IDataObject[] } }).batch;
		expect(batch.items[0]).toMatchObject({
			outcome: 'carried_out',
			telematics_unit_id: units[0],
			vehicle_id: added[0],
		});
		expect(batch.items[6]).toEqual({
			item_index: 6,
			outcome: 'not_sent',
			telematics_brand: 'NIU',
			telematics_unit_id: units[6],
		});
	});

	test('timed out: "may or may not have been added" and how to check, never a blind retry', async () => {
		const [unit] = newUnits(1);
		sim().faults.add({ method: 'POST', path: '^/vehicles$', kind: 'slow', delayMs: 2000 });
		const before = requestsTo(sim(), ADD_ROUTE);
		const { error } = await addRows([{ unit, plate: 'B-TO 1' }], { timeout: 1 });
		expect(requestsTo(sim(), ADD_ROUTE) - before).toBe(1);
		expect(error?.message).toBe(
			`Adding telematics unit ${unit} (NIU) with vehicle model ${NIU_NQI} may or may not have taken effect (it was sent, but no answer came back in time): look the vehicle up (Get Many, search by plate or VIN) before adding it again.`,
		);
		expect(error?.description).toContain(
			`The vehicle with telematics unit ${unit} (NIU) may or may not have been added.`,
		);
		expect(error?.description).toContain(
			`Before adding it again, look for a vehicle whose telematics unit is ${unit} (NIU)`,
		);
		expect(error?.description).toContain('Get Many with Search "B-TO 1"');
		expect(error?.description).not.toMatch(/try again|Raise the Timeout/i);
		// It was indeed added, after the node had given up waiting.
		const deadline = Date.now() + 3000;
		while (!vehicleWithUnit(unit) && Date.now() < deadline) {
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
		expect(vehicleWithUnit(unit)).toBeDefined();
	});

	test('a server error after INVERS added it: the same advice', async () => {
		const [unit] = newUnits(1);
		sim().faults.add({
			method: 'POST',
			path: '^/vehicles$',
			kind: 'status',
			status: 500,
			executeBeforeFault: true,
		});
		const { error } = await addRows([{ unit, plate: '' }]);
		expect(error?.httpCode).toBe('500');
		expect(error?.description).toContain('may or may not have been added');
		expect(error?.description).toContain('Get Many (Return All)');
		expect(error?.description).toMatch(/Flow ID: [0-9a-f-]{36}/);
		expect(vehicleWithUnit(unit)).toBeDefined();
	});
});

describe('Remove', () => {
	test('a retried DELETE that finds the vehicle gone reports it removed', async () => {
		const id = sim().vehicleIds()[5];
		// INVERS removes the vehicle, but the answer is lost; the retry gets 404.
		sim().faults.add({
			method: 'DELETE',
			path: `^/vehicles/${id}$`,
			kind: 'drop',
			executeBeforeFault: true,
		});
		const before = requestsTo(sim(), DELETE_ROUTE);
		const { items, error } = await lifecycle({ operation: 'remove', vehicle: vehicleById(id) });
		expect(error).toBeUndefined();
		expect(requestsTo(sim(), DELETE_ROUTE) - before).toBe(2);
		expect(items[0].json).toMatchObject({ vehicle_id: id, removed: true, already_removed: true });
		expect(sim().getVehicle(id)).toBeUndefined();
	});

	test('a 404 on the first attempt stays an error', async () => {
		const { error } = await lifecycle({ operation: 'remove', vehicle: vehicleById('NOSUCH1') });
		expect(error?.httpCode).toBe('404');
	});

	test('a batch stopped by a server error that may have removed the vehicle says so', async () => {
		const ids = sim().vehicleIds().slice(10, 14);
		sim().faults.add({
			method: 'DELETE',
			path: `^/vehicles/${ids[1]}$`,
			kind: 'status',
			status: 500,
			executeBeforeFault: true,
			times: 4,
		});
		const { error } = await lifecycle(
			{ operation: 'remove', vehicle: vehicleById('={{ $json.id }}') },
			ids.map((id) => ({ id })),
		);
		const lines = error!.description!.split('\n');
		expect(lines).toContainEqual(expect.stringMatching(/^Removed \(1\): item 0 vehicle /));
		expect(lines).toContainEqual(
			expect.stringMatching(
				new RegExp(
					`^May or may not have been removed \\(1\\): item 1: Removing vehicle ${ids[1]} may or may not have taken effect \\(INVERS answered 500: internal server error\\): check whether the vehicle is still in the fleet before removing it again`,
				),
			),
		);
		expect(lines.join('\n')).toContain('"not found" means they were removed');
		expect(lines).toContainEqual(expect.stringMatching(/^Not sent \(2\): items 2–3\./));
	});
});

describe('Update in a batch (one after another)', () => {
	function update(parameters: IDataObject, items: IDataObject[]) {
		return runNode({
			node: 'inversVehicleManagement',
			parameters: management('update', {
				vehicle: vehicleById('={{ $json.id }}'),
				...parameters,
			} as INodeParameters),
			credentials: simulatorCredentials(sim()),
			items,
		});
	}

	test('item 2 refused (412): items 0 and 1 were written, item 3 not sent', async () => {
		const ids = sim().vehicleIds().slice(15, 19);
		const { error } = await update(
			{
				masterData: { custom_name: '={{ $json.name }}' },
				options: { ifMatch: '={{ $json.etag }}' },
			},
			ids.map((id, index) => ({ id, name: `Batch ${index}`, etag: index === 2 ? '"stale"' : '' })),
		);
		expect(error?.message).toBe(
			`Updating vehicle ${ids[2]} was refused; nothing changed (INVERS answered 412: the vehicle changed since its ETag was read): get the vehicle again and repeat the update with its new ETag. [item 2; batch stopped: 2 of 4 updated, 1 not sent]`,
		);
		expect(ids.map((id) => sim().getVehicle(id)!.master_data.custom_name)).toEqual([
			'Batch 0',
			'Batch 1',
			expect.not.stringMatching(/^Batch/),
			expect.not.stringMatching(/^Batch/),
		]);
		const lines = error!.description!.split('\n');
		expect(lines).toContainEqual(
			expect.stringMatching(
				new RegExp(
					`^Updated \\(2\\): item 0 vehicle ${ids[0]} \\(flow ID .*\\); item 1 vehicle ${ids[1]} `,
				),
			),
		);
		expect(lines).toContainEqual(
			expect.stringMatching(
				new RegExp(
					`^Failed, not updated \\(1\\): item 2: Updating vehicle ${ids[2]} was refused; nothing changed `,
				),
			),
		);
		expect(lines).toContain(
			'Not sent (1): item 3. Nothing reached INVERS for them: they can be sent again as they are.',
		);
		expect((error?.context?.data as { batch: IDataObject }).batch).toMatchObject({
			carried_out: 2,
			failed: 1,
			not_sent: 1,
		});
	});

	test('a bad VIN in the last item: nothing is updated', async () => {
		const ids = sim().vehicleIds().slice(20, 24);
		const patches = requestsTo(sim(), PATCH_ROUTE);
		const { error } = await update(
			{ masterData: { vin: '={{ $json.vin }}' } },
			ids.map((id, index) => ({
				id,
				vin: index === 3 ? 'WVWZZZE1ZMP01234O' : 'WVWZZZE1ZMP012345',
			})),
		);
		expect(error?.message).toContain('The field "VIN" holds "WVWZZZE1ZMP01234O"');
		expect(error?.context?.itemIndex).toBe(3);
		expect(requestsTo(sim(), PATCH_ROUTE)).toBe(patches);
	});
});
