import type { IDataObject } from 'n8n-workflow';

import { management, vehicleById } from '../harness/params';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { runNode } from '../harness/workflowRunner';

const sim = useSimulator({ fleetSize: 250 });

function run(operation: string, parameters: IDataObject = {}, items?: IDataObject[]) {
	return runNode({
		node: 'inversVehicleManagement',
		parameters: management(operation, parameters as never),
		credentials: simulatorCredentials(sim()),
		items,
	});
}

describe('Vehicle Management: reading', () => {
	test('Get returns the vehicle with its ETag and flow id', async () => {
		const id = sim().vehicleIds()[3];
		const { items, error } = await run('get', { vehicle: vehicleById(id) });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ id, master_data: sim().getVehicle(id)!.master_data });
		expect(items[0].json.etag).toEqual(expect.any(String));
		expect(items[0].json.flow_id).toMatch(/[0-9a-f-]{36}/);
		expect(items[0].pairedItem).toEqual({ item: 0 });
	});

	test('Get with Simplify returns the summary fields only', async () => {
		const id = sim().vehicleIds()[0];
		const vehicle = sim().getVehicle(id)!;
		const { items } = await run('get', { vehicle: vehicleById(id), options: { simplify: true } });
		expect(items[0].json).toMatchObject({
			id,
			license_plate: vehicle.master_data.license_plate,
			operation_status: vehicle.operation_status.value,
		});
		expect(items[0].json.master_data).toBeUndefined();
	});

	test('one item per input item, each paired with its input', async () => {
		const ids = sim().vehicleIds().slice(0, 3);
		const { items } = await run(
			'get',
			{ vehicle: { __rl: true, mode: 'id', value: '={{ $json.id }}' } },
			ids.map((id) => ({ id })),
		);
		expect(items.map((item) => item.json.id)).toEqual(ids);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	test('Get Many with Return All walks every page', async () => {
		const before = { ...sim().stats.listLimits };
		const { items } = await run('getMany', { returnAll: true });
		expect(items.map((item) => item.json.id)).toEqual(sim().vehicleIds());
		// 250 vehicles in pages of 100, the simulator's largest page: three pages, no more. The
		// first page of 1,000 is refused once per process and Base URL.
		const asked = (limit: string) => (sim().stats.listLimits[limit] ?? 0) - (before[limit] ?? 0);
		expect(asked('100')).toBe(3);
		expect(asked('1000')).toBeLessThanOrEqual(1);
	});

	test('Get Many with Return All fails with the error of a later page, keeping none of it', async () => {
		sim().faults.add({
			kind: 'status',
			status: 403,
			problemType: '/problems/forbidden-resource',
			method: 'GET',
			path: '^/vehicles$',
			skip: 2,
		});
		const before = sim().stats.requests['GET /vehicles'] ?? 0;
		const { items, error } = await run('getMany', { returnAll: true });
		expect(items).toEqual([]);
		expect(error?.httpCode).toBe('403');
		// Nothing is asked for past the failed page.
		expect((sim().stats.requests['GET /vehicles'] ?? 0) - before).toBe(3);
	});

	test('Get Many with a limit stops early and asks for a small page', async () => {
		const before = sim().stats.requests['GET /vehicles'] ?? 0;
		const { items } = await run('getMany', { returnAll: false, limit: 7 });
		expect(items).toHaveLength(7);
		expect((sim().stats.requests['GET /vehicles'] ?? 0) - before).toBe(1);
	});

	test('Get Many searches on the server', async () => {
		const target = sim().getVehicle(sim().vehicleIds()[42])!;
		const plate = target.master_data.license_plate!;
		const { items } = await run('getMany', { returnAll: true, search: plate });
		expect(items.map((item) => item.json.id)).toContain(target.id);
		for (const item of items) {
			const masterData = item.json.master_data as IDataObject;
			const haystack = [masterData.license_plate, masterData.custom_name, masterData.vin]
				.join(' ')
				.toLowerCase();
			expect(haystack).toContain(plate.toLowerCase());
		}
	});

	test.each([
		[
			'operationStatus',
			'GARAGE',
			(v: IDataObject) => (v.operation_status as IDataObject).value === 'GARAGE',
		],
		[
			'lifeStatus',
			'OFFLINE',
			(v: IDataObject) => (v.life_status as IDataObject).value === 'OFFLINE',
		],
		[
			'rentalStatus',
			'IN_RENTAL',
			(v: IDataObject) => (v.rental_status as IDataObject).value === 'IN_RENTAL',
		],
		[
			'vehicleType',
			'MOPED',
			(v: IDataObject) => (v.master_data as IDataObject).vehicle_type === 'MOPED',
		],
		['tag', 'airport', (v: IDataObject) => (v.tags as string[]).includes('airport')],
	])(
		'Get Many filter %s = %s keeps exactly the matching vehicles',
		async (name, value, matches) => {
			const expected = sim()
				.vehicleIds()
				.map((id) => sim().getVehicle(id) as unknown as IDataObject)
				.filter(matches)
				.map((vehicle) => vehicle.id);
			expect(expected.length).toBeGreaterThan(0);
			const { items } = await run('getMany', { returnAll: true, filters: { [name]: value } });
			expect(items.map((item) => item.json.id)).toEqual(expected);
		},
	);

	test('Get Many filters on a custom field value, and a limit counts matches', async () => {
		const sample = sim().getVehicle(sim().vehicleIds()[5])!;
		const [[name, value]] = Object.entries(sample.custom_fields);
		const expected = sim()
			.vehicleIds()
			.filter((id) => String(sim().getVehicle(id)!.custom_fields[name]) === String(value));
		const { items } = await run('getMany', {
			returnAll: false,
			limit: 2,
			filters: { customField: { field: { name, value: String(value) } } },
		});
		expect(items.map((item) => item.json.id)).toEqual(expected.slice(0, 2));
	});

	test('Get Many accepts an operation status outside the known list by expression', async () => {
		const { items, error } = await run('getMany', {
			returnAll: true,
			filters: { operationStatus: '={{ "DECOMMISSIONED" }}' },
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(0);
	});

	test('Get Latest State simplified gives property → value and the newest timestamp', async () => {
		const id = sim().vehicleIds()[1];
		const state = sim().getVehicleState(id)!;
		const { items } = await run('getLatestState', { vehicle: vehicleById(id), simplify: true });
		const json = items[0].json;
		expect(json.vehicle_id).toBe(id);
		for (const [property, entry] of Object.entries(state)) {
			expect(json[property]).toEqual(entry.value);
		}
		const newest = Object.values(state)
			.map((entry) => entry.timestamp)
			.sort()
			.pop();
		expect(json.last_recorded_at).toBe(newest);
	});

	test('Get Latest State raw keeps { timestamp, value }', async () => {
		const id = sim().vehicleIds()[1];
		const { items } = await run('getLatestState', { vehicle: vehicleById(id), simplify: false });
		const state = sim().getVehicleState(id)!;
		const [property] = Object.keys(state);
		expect(items[0].json[property]).toEqual(state[property]);
	});

	test('Get Capabilities and Get Telematics Unit return those parts of the vehicle', async () => {
		const id = sim().vehicleIds()[2];
		const vehicle = sim().getVehicle(id)!;
		const capabilities = await run('getCapabilities', { vehicle: vehicleById(id) });
		expect(capabilities.items[0].json).toMatchObject({ vehicle_id: id, ...vehicle.capabilities });
		const unit = await run('getTelematicsUnit', { vehicle: vehicleById(id) });
		expect(unit.items[0].json).toMatchObject({ vehicle_id: id, ...vehicle.telematics_unit });
	});

	test('the vehicle picker lists and searches the fleet page by page', async () => {
		const { searchVehicles } = await import('../../nodes/shared/methods/searchVehicles');
		const { loadOptionsContext } = await import('../harness/loadOptions');
		const context = loadOptionsContext(simulatorCredentials(sim()));
		const first = await searchVehicles.call(context);
		expect(first.results).toHaveLength(50);
		expect(first.paginationToken).toEqual(expect.any(String));
		const second = await searchVehicles.call(context, undefined, first.paginationToken as string);
		expect(second.results[0].value).toBe(sim().vehicleIds()[50]);
		const plate = sim().getVehicle(sim().vehicleIds()[9])!.master_data.license_plate!;
		const found = await searchVehicles.call(context, plate);
		expect(found.results.map((result) => result.value)).toContain(sim().vehicleIds()[9]);
		expect(found.results[0].name).toContain(plate);
	});
});
