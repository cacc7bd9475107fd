import type { IDataObject } from 'n8n-workflow';

import { management, vehicleById } from '../harness/params';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { runNode } from '../harness/workflowRunner';

const sim = useSimulator({ fleetSize: 30 });

function update(parameters: IDataObject, continueOnFail = false) {
	return runNode({
		node: 'inversVehicleManagement',
		parameters: management('update', parameters as never),
		credentials: simulatorCredentials(sim()),
		continueOnFail,
	});
}

describe('Vehicle Management: Update', () => {
	test('master data, custom fields, statuses in one PATCH', async () => {
		const id = sim().vehicleIds()[0];
		const { items, error } = await update({
			vehicle: vehicleById(id),
			masterData: {
				license_plate: 'M-XY 42',
				custom_name: 'Airport shuttle',
				vin: 'WVWZZZE1ZMP012345',
			},
			customFields: { field: [{ name: 'maintenance_reason', value: 'mileage' }] },
			operationStatus: 'GARAGE',
			rentalStatus: 'NOT_IN_RENTAL',
		});
		expect(error).toBeUndefined();
		const vehicle = sim().getVehicle(id)!;
		expect(vehicle.master_data).toMatchObject({
			license_plate: 'M-XY 42',
			custom_name: 'Airport shuttle',
			vin: 'WVWZZZE1ZMP012345',
		});
		expect(vehicle.custom_fields.maintenance_reason).toBe('mileage');
		expect(vehicle.operation_status.value).toBe('GARAGE');
		expect(items[0].json).toMatchObject({
			id,
			etag: expect.any(String),
			flow_id: expect.any(String),
		});
	});

	test('custom fields can be removed', async () => {
		const id = sim().vehicleIds()[1];
		const [name] = Object.keys(sim().getVehicle(id)!.custom_fields);
		await update({ vehicle: vehicleById(id), customFieldsToRemove: name });
		expect(sim().getVehicle(id)!.custom_fields[name]).toBeUndefined();
	});

	test('tags: add, remove and replace', async () => {
		const id = sim().vehicleIds()[2];
		const before = sim().getVehicle(id)!.tags;
		await update({ vehicle: vehicleById(id), tagsMode: 'add', tags: 'needs-wash, night' });
		expect(sim().getVehicle(id)!.tags).toEqual([...new Set([...before, 'needs-wash', 'night'])]);
		await update({ vehicle: vehicleById(id), tagsMode: 'remove', tags: 'needs-wash' });
		expect(sim().getVehicle(id)!.tags).toEqual([...new Set([...before, 'night'])]);
		await update({ vehicle: vehicleById(id), tagsMode: 'replace', tags: 'only-this' });
		expect(sim().getVehicle(id)!.tags).toEqual(['only-this']);
	});

	test('an operation status outside the known list goes through an expression', async () => {
		const id = sim().vehicleIds()[3];
		const { error } = await update({
			vehicle: vehicleById(id),
			operationStatus: '={{ "IN_SERVICE" }}',
		});
		expect(error).toBeUndefined();
		expect(sim().getVehicle(id)!.operation_status.value).toBe('IN_SERVICE');
	});

	test('If-Match with a current ETag succeeds, with an old one gives 412 and a hint', async () => {
		const id = sim().vehicleIds()[4];
		const first = await update({ vehicle: vehicleById(id), masterData: { custom_name: 'one' } });
		const etag = first.items[0].json.etag as string;
		const second = await update({
			vehicle: vehicleById(id),
			masterData: { custom_name: 'two' },
			options: { ifMatch: etag },
		});
		expect(second.error).toBeUndefined();
		const stale = await update({
			vehicle: vehicleById(id),
			masterData: { custom_name: 'three' },
			options: { ifMatch: etag },
		});
		expect(stale.error?.httpCode).toBe('412');
		expect(stale.error?.description).toContain('Get the vehicle again');
		expect(sim().getVehicle(id)!.master_data.custom_name).toBe('two');
	});

	test.each([
		[{ vin: 'WVWZZZE1ZMP01234' }, '"VIN"', '17 characters'],
		[{ vin: 'WVWZZZE1ZMP01234O' }, '"VIN"', 'without I, O and Q'],
		[{ license_plate: 'X'.repeat(31) }, '"License Plate"', 'at most 30'],
	])(
		'bad master data %j is refused before sending, naming the field',
		async (masterData, field, rule) => {
			const id = sim().vehicleIds()[5];
			const before = sim().stats.requests['PATCH /vehicles/:id'] ?? 0;
			const { error } = await update({ vehicle: vehicleById(id), masterData });
			expect(error?.message).toContain(field);
			expect(error?.message).toContain(rule);
			expect(sim().stats.requests['PATCH /vehicles/:id'] ?? 0).toBe(before);
		},
	);

	test('an empty update says what can be set', async () => {
		const { error } = await update({ vehicle: vehicleById(sim().vehicleIds()[6]) });
		expect(error?.message).toMatch(/Nothing to update/);
	});

	test("a bad vehicle ID is caught by the editor's validation and at run time, naming the field", async () => {
		await expect(
			update({ vehicle: vehicleById('no such id!'), masterData: { model: 'x' } }),
		).rejects.toThrow(/vehicle ID has only letters/);
		const { error } = await update({
			vehicle: vehicleById('={{ "no such id!" }}'),
			masterData: { model: 'x' },
		});
		expect(error?.message).toContain('"Vehicle"');
	});

	test('a custom field without a name names the field', async () => {
		const { error } = await update({
			vehicle: vehicleById(sim().vehicleIds()[6]),
			customFields: { field: [{ name: ' ', value: 'x' }] },
		});
		expect(error?.message).toContain('"Custom Fields"');
	});

	test("the API's own validation error comes back with its detail", async () => {
		const id = sim().vehicleIds()[7];
		// A value only the API refuses: the server-side check surfaces with its detail.
		const { error } = await update({
			vehicle: vehicleById(id),
			masterData: { year_of_production: '={{ "x".repeat(500) }}' },
		});
		expect(error?.httpCode).toBe('400');
		// INVERS's detail names the field in the message itself.
		expect(error?.message).toMatch(
			new RegExp(
				`^Updating vehicle ${id} was refused; nothing changed \\(INVERS answered 400: .*year_of_production.*\\): correct the field INVERS names\\.$`,
			),
		);
		expect(error?.description).toContain('year_of_production');
		expect(error?.description).toMatch(/Flow ID: [0-9a-f-]{36}/);
	});
});
