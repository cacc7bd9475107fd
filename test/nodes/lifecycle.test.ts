import { LoadOptionsContext } from 'n8n-core';
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { InversVehicleLifecycle } from '../../nodes/InversVehicleLifecycle/InversVehicleLifecycle.node';
import { problemTypes } from '../../nodes/shared/contract';
import { SETUP_STATUS_FIELD } from '../../simulator/apiNames';
import { vehicleById } from '../harness/params';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { buildWorkflow, runNode } from '../harness/workflowRunner';
import { COMMAND_ROUTE, requestsTo, runCommands, sendCommandParameters } from './commandsTestKit';

const SETUP_DELAY_MS = 300;
const sim = useSimulator({ fleetSize: 20, setupDelayMs: SETUP_DELAY_MS });

const ID3 = '01HQJGXPRPG4179ZPNB83WVTE8';
const NIU_NQI = '01HQNGRMFD70AH9ZTK3YJK33TN';
const ADD_ROUTE = 'POST /vehicles';

function lifecycle(
	resource: string,
	operation: string,
	parameters: IDataObject,
	items?: IDataObject[],
	continueOnFail = false,
) {
	return runNode({
		node: 'inversVehicleLifecycle',
		parameters: { resource, operation, ...parameters } as INodeParameters,
		credentials: simulatorCredentials(sim()),
		items,
		continueOnFail,
	});
}

function addParameters(overrides: IDataObject = {}): IDataObject {
	return {
		telematicsBrand: 'CLOUDBOXX',
		telematicsUnitId: 'CBX-10001',
		vehicleModelId: ID3,
		...overrides,
	};
}

/** An NIU moped's unit: an OEM unit, which needs OEM credentials or its password. */
function niuParameters(overrides: IDataObject = {}): IDataObject {
	return addParameters({
		telematicsBrand: 'NIU',
		telematicsUnitId: 'NIU-20001',
		vehicleModelId: NIU_NQI,
		...overrides,
	});
}

/** The parameters the editor shows (and n8n keeps) for these values of the Add operation. */
function shownAddParameters(shownFor: IDataObject, typeVersion = 2): string[] {
	const description = new InversVehicleLifecycle().description;
	const node = { parameters: {}, typeVersion } as INode;
	const values = NodeHelpers.getNodeParameters(
		description.properties,
		{ resource: 'vehicle', operation: 'add', ...shownFor } as INodeParameters,
		true,
		false,
		node,
		description,
	);
	return description.properties
		.filter((property) => NodeHelpers.displayParameter(values ?? {}, property, node, description))
		.map((property) => property.name);
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('condition not met in time');
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

describe('Add Vehicle', () => {
	test('adds with master data, custom fields, tags and status; setup PENDING, later SUCCEEDED', async () => {
		const { items, error } = await lifecycle(
			'vehicle',
			'add',
			addParameters({
				telematicsUnitId: 'CBX-10010',
				masterData: { vin: 'WVWZZZE1ZMP012345', license_plate: 'B-NX 42', custom_name: 'New ID.3' },
				customFields: { field: [{ name: 'station', value: 'BER Airport' }] },
				additionalFields: { tags: 'airport, ev', operationStatus: 'GARAGE' },
			}),
		);
		expect(error).toBeUndefined();
		const vehicle = items[0].json;
		const id = vehicle.id as string;
		expect(vehicle).toMatchObject({
			[SETUP_STATUS_FIELD]: 'PENDING',
			master_data: { vin: 'WVWZZZE1ZMP012345', license_plate: 'B-NX 42', brand: 'Volkswagen' },
			custom_fields: { station: 'BER Airport' },
			tags: ['airport', 'ev'],
			operation_status: { value: 'GARAGE' },
			telematics_unit: { id: 'CBX-10010', brand: 'CLOUDBOXX' },
		});
		expect(vehicle.flow_id).toMatch(/[0-9a-f-]{36}/);
		expect(sim().getVehicle(id)?.[SETUP_STATUS_FIELD]).toBe('PENDING');

		// Until setup has finished the vehicle refuses commands, with a hint to wait.
		const early = await runCommands(sim(), sendCommandParameters(id, 'DRAW_ATTENTION'));
		expect(early.error?.message).toContain(
			"refused and not carried out (INVERS answered 409: the vehicle's setup has not finished or failed): wait until the vehicle's setup status is SUCCEEDED",
		);

		await until(() => sim().getVehicle(id)?.[SETUP_STATUS_FIELD] === 'SUCCEEDED');
		const later = await runCommands(sim(), sendCommandParameters(id, 'DRAW_ATTENTION'));
		expect(later.error).toBeUndefined();
	});

	test('adds an OEM unit with stored OEM credentials (the default choice)', async () => {
		const { items, error } = await lifecycle(
			'vehicle',
			'add',
			niuParameters({ credentialsId: 'oem-credentials-1' }),
		);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({
			master_data: { vehicle_type: 'MOPED' },
			operation_status: { value: 'OPERATING' },
			telematics_unit: { id: 'NIU-20001', brand: 'NIU' },
		});
	});

	test('adds an OEM unit with its unit password', async () => {
		const { items, error } = await lifecycle(
			'vehicle',
			'add',
			niuParameters({
				telematicsUnitId: 'NIU-20002',
				unitCredentials: 'password',
				unitPassword: 'unit-secret',
			}),
		);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ telematics_unit: { id: 'NIU-20002', brand: 'NIU' } });
		// The password is the unit's secret: it is sent, never put out.
		expect(JSON.stringify(items[0].json)).not.toContain('unit-secret');
	});

	test('the editor asks for unit credentials for OEM brands only', () => {
		const cloudBoxx = shownAddParameters({ telematicsBrand: 'CLOUDBOXX' });
		expect(cloudBoxx).not.toContain('unitCredentials');
		expect(cloudBoxx).not.toContain('credentialsId');
		expect(cloudBoxx).not.toContain('unitPassword');
		expect(cloudBoxx).toContain('cloudBoxxNotice');

		const oem = shownAddParameters({ telematicsBrand: 'NIU' });
		expect(oem).toEqual(expect.arrayContaining(['unitCredentials', 'credentialsId']));
		expect(oem).not.toContain('unitPassword');
		expect(oem).not.toContain('cloudBoxxNotice');
		const byPassword = shownAddParameters({ telematicsBrand: 'NIU', unitCredentials: 'password' });
		expect(byPassword).toContain('unitPassword');
		expect(byPassword).not.toContain('credentialsId');
		// A brand set by expression may be an OEM one: the choice stays offered.
		expect(shownAddParameters({ telematicsBrand: '={{ $json.brand }}' })).toContain(
			'unitCredentials',
		);
	});

	describe('version 1 (saved before "Unit Credentials" existed)', () => {
		const addV1 = (parameters: IDataObject) =>
			runNode({
				node: 'inversVehicleLifecycle',
				parameters: { resource: 'vehicle', operation: 'add', ...parameters } as INodeParameters,
				credentials: simulatorCredentials(sim()),
				typeVersion: 1,
			});

		test('the editor shows both credential fields and no selector', () => {
			const oem = shownAddParameters({ telematicsBrand: 'NIU' }, 1);
			expect(oem).toEqual(
				expect.arrayContaining(['accessNotice', 'credentialsId', 'unitPassword']),
			);
			expect(oem).not.toContain('unitCredentials');
			expect(shownAddParameters({ telematicsBrand: 'NIU' }, 2)).not.toContain('accessNotice');
			expect(shownAddParameters({ telematicsBrand: 'CLOUDBOXX' }, 1)).not.toContain('unitPassword');
		});

		test('a workflow with only the unit password set adds the unit with its password', async () => {
			// Saved with version 1: no unitCredentials, whose version-2 default is the stored OEM
			// credentials. The simulator refuses an NIU unit without exactly one credential.
			const { items, error } = await addV1(
				niuParameters({ telematicsUnitId: 'NIU-20030', unitPassword: 'unit-secret' }),
			);
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ telematics_unit: { id: 'NIU-20030', brand: 'NIU' } });
			expect(JSON.stringify(items[0].json)).not.toContain('unit-secret');
		});

		test('a workflow with only the OEM credentials ID set adds the unit with it', async () => {
			const { items, error } = await addV1(
				niuParameters({ telematicsUnitId: 'NIU-20031', credentialsId: 'oem-credentials-1' }),
			);
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ telematics_unit: { id: 'NIU-20031' } });
		});

		test.each([
			[
				'neither',
				{},
				'Neither "OEM Credentials ID" nor "Unit Password" is set: a NIU unit needs exactly one of them',
			],
			[
				'both',
				{ credentialsId: 'oem-1', unitPassword: 'pw' },
				'Both "OEM Credentials ID" and "Unit Password" are set: fill in only one of them',
			],
		])(
			'%s of the two set: an error naming both fields, nothing sent',
			async (_case, set, message) => {
				const before = requestsTo(sim(), ADD_ROUTE);
				const { error } = await addV1(niuParameters({ telematicsUnitId: 'NIU-20032', ...set }));
				expect(error?.message).toBe(message);
				expect(error?.description).toContain(
					'fill in exactly one of "OEM Credentials ID" and "Unit Password"',
				);
				expect(requestsTo(sim(), ADD_ROUTE)).toBe(before);
			},
		);

		test('a CloudBoxx unit saved with a credential is added without it (the editor hides it)', async () => {
			const { items, error } = await addV1(
				addParameters({ telematicsUnitId: 'CBX-10031', credentialsId: 'oem-1' }),
			);
			expect(error).toBeUndefined();
			expect(items[0].json).toMatchObject({ telematics_unit: { id: 'CBX-10031' } });
		});
	});

	test('a CloudBoxx unit is added without credentials, also when the brand comes by expression', async () => {
		const rows = [
			{ brand: 'CLOUDBOXX', unit: 'CBX-10020', model: ID3, password: '' },
			{ brand: 'NIU', unit: 'NIU-20020', model: NIU_NQI, password: 'unit-secret' },
		];
		const { items, error } = await lifecycle(
			'vehicle',
			'add',
			addParameters({
				telematicsBrand: '={{ $json.brand }}',
				telematicsUnitId: '={{ $json.unit }}',
				vehicleModelId: '={{ $json.model }}',
				unitCredentials: 'password',
				unitPassword: '={{ $json.password }}',
			}),
			rows,
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => (item.json.telematics_unit as IDataObject).id)).toEqual([
			'CBX-10020',
			'NIU-20020',
		]);
	});

	test.each([
		[
			'CloudBoxx with a password',
			{ telematicsBrand: '={{ "CLOUDBOXX" }}', unitCredentials: 'password', unitPassword: 'pw' },
			'A CLOUDBOXX unit takes no credentials, but "Unit Password" is set',
		],
		[
			'CloudBoxx with OEM credentials',
			{ telematicsBrand: '={{ "CLOUDBOXX" }}', credentialsId: 'oem-1' },
			'A CLOUDBOXX unit takes no credentials, but "OEM Credentials ID" is set',
		],
		[
			'OEM unit without OEM credentials',
			niuParameters(),
			'The field "OEM Credentials ID" is empty: a NIU unit needs OEM credentials or its unit password',
		],
		[
			'OEM unit without a password',
			niuParameters({ unitCredentials: 'password', unitPassword: '' }),
			'The field "Unit Password" is empty: a NIU unit needs OEM credentials or its unit password',
		],
		[
			'brand unknown to the node (by expression) without credentials',
			{ telematicsBrand: '={{ "SEGWAY" }}' },
			'The field "OEM Credentials ID" is empty: a SEGWAY unit needs OEM credentials or its unit password',
		],
		[
			'bad VIN',
			{ masterData: { vin: 'WVWZZZE1ZMP01234O' } },
			'The field "VIN" holds "WVWZZZE1ZMP01234O"',
		],
		[
			'long plate',
			{ masterData: { license_plate: 'X'.repeat(31) } },
			'The field "License Plate" is too long',
		],
		['no unit', { telematicsUnitId: '  ' }, 'The field "Telematics Unit ID" is empty'],
	])('%s: a clear error naming the fields, nothing sent', async (_case, overrides, message) => {
		const before = requestsTo(sim(), ADD_ROUTE);
		const { error } = await lifecycle('vehicle', 'add', addParameters(overrides as IDataObject));
		expect(error?.message).toContain(message);
		expect(requestsTo(sim(), ADD_ROUTE)).toBe(before);
	});

	test.each([
		['telematics unit', { telematicsUnitId: 'CBX-99999999' }, 'telematics_unit_id'],
		['vehicle model', { vehicleModelId: '01HQXXXXXXXXXXXXXXXXXXXXXX' }, 'vehicle_model_id'],
	])(
		'unknown %s: referenced-resource-not-found, with what to check',
		async (_case, overrides, field) => {
			const parameters = addParameters(overrides);
			const { error } = await lifecycle('vehicle', 'add', parameters);
			// Names what was asked for, quotes INVERS's reason, says nothing changed and what to check.
			expect(error?.message).toMatch(
				new RegExp(
					`^Adding telematics unit ${String(parameters.telematicsUnitId)} \\(CLOUDBOXX\\) with vehicle model ${String(parameters.vehicleModelId)} was refused; nothing changed \\(INVERS answered 400: ${field}: .*\\): check the telematics unit ID, the vehicle model ID and the OEM credentials ID\\.$`,
				),
			);
			expect(error?.httpCode).toBe('400');
			expect(error?.description).toContain(field);
			expect(error?.description).toContain('check those IDs');
			expect(error?.context?.itemIndex).toBe(0);
		},
	);

	test('a CSV import: item by item, failures reported per item with the reason', async () => {
		const rows = [
			{ unit: 'CBX-10101', vin: 'WVWZZZE1ZMP000001', plate: 'B-CS 1' },
			{ unit: 'CBX-10102', vin: 'NOT-A-VIN', plate: 'B-CS 2' },
			{ unit: 'CBX-99999999', vin: '', plate: 'B-CS 3' },
			{ unit: 'CBX-10101', vin: '', plate: 'B-CS 4' }, // the unit of row 1, now taken
			{ unit: 'CBX-10105', vin: '', plate: 'B-CS 5' },
		];
		const { items, error } = await lifecycle(
			'vehicle',
			'add',
			addParameters({
				telematicsUnitId: '={{ $json.unit }}',
				masterData: { vin: '={{ $json.vin }}', license_plate: '={{ $json.plate }}' },
			}),
			rows,
			true,
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.pairedItem)).toEqual(rows.map((_, item) => ({ item })));
		expect(items[0].json).toMatchObject({
			master_data: { license_plate: 'B-CS 1' },
			[SETUP_STATUS_FIELD]: 'PENDING',
		});
		expect(items[1].json.error).toContain('The field "VIN" holds "NOT-A-VIN"');
		expect(items[2].json).toMatchObject({
			error: expect.stringMatching(
				/^Adding telematics unit CBX-99999999 \(CLOUDBOXX\) with vehicle model \S+ was refused; nothing changed /,
			),
			details: { problemType: problemTypes.referencedResourceNotFound },
		});
		expect(items[3].json).toMatchObject({
			error: expect.stringMatching(
				/^Adding telematics unit CBX-10101 \(CLOUDBOXX\) .* was refused; nothing changed \(INVERS answered 400: telematics_unit_id: unit 'CBX-10101' is already used by vehicle /,
			),
			details: { problemType: problemTypes.validationError },
		});
		expect((items[3].json.details as { description: string }).description).toContain(
			'already used by vehicle',
		);
		expect(items[4].json).toMatchObject({ master_data: { license_plate: 'B-CS 5' } });
	});
});

describe('Add and Remove under failures', () => {
	afterEach(() => sim().faults.clear());

	test('Add is not sent again after a 500 once INVERS may have added the vehicle', async () => {
		sim().faults.add({
			method: 'POST',
			path: '^/vehicles$',
			kind: 'status',
			status: 500,
			executeBeforeFault: true,
		});
		const before = requestsTo(sim(), ADD_ROUTE);
		const { error } = await lifecycle(
			'vehicle',
			'add',
			addParameters({ telematicsUnitId: 'CBX-10200' }),
		);
		expect(error?.httpCode).toBe('500');
		expect(requestsTo(sim(), ADD_ROUTE) - before).toBe(1);
		// It was added: a second attempt would only fail on the unit now in use.
		expect(
			sim()
				.vehicleIds()
				.some((id) => sim().getVehicle(id)!.telematics_unit.id === 'CBX-10200'),
		).toBe(true);
	});

	test('Remove is repeated after a gateway error (removing twice removes once)', async () => {
		const id = sim().vehicleIds()[2];
		sim().faults.add({ method: 'DELETE', path: '^/vehicles/', kind: 'html', status: 503 });
		const { items, error } = await lifecycle('vehicle', 'remove', { vehicle: vehicleById(id) });
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ vehicle_id: id, removed: true, already_removed: false });
		expect(sim().getVehicle(id)).toBeUndefined();
	});
});

describe('Remove Vehicle', () => {
	test('archives the vehicle; removing again fails clearly or, with the option, reports already removed; the unit can be added again', async () => {
		const id = sim().vehicleIds()[0];
		const vehicle = sim().getVehicle(id)!;

		const removed = await lifecycle('vehicle', 'remove', { vehicle: vehicleById(id) });
		expect(removed.error).toBeUndefined();
		expect(removed.items[0].json).toMatchObject({
			vehicle_id: id,
			removed: true,
			already_removed: false,
		});
		expect(sim().getVehicle(id)).toBeUndefined();

		const again = await lifecycle('vehicle', 'remove', { vehicle: vehicleById(id) });
		expect(again.error?.httpCode).toBe('404');
		expect(again.error?.description).toContain('Treat Not Found as Removed');

		const idempotent = await lifecycle('vehicle', 'remove', {
			vehicle: vehicleById(id),
			options: { treatNotFoundAsRemoved: true },
		});
		expect(idempotent.error).toBeUndefined();
		expect(idempotent.items[0].json).toMatchObject({
			vehicle_id: id,
			removed: true,
			already_removed: true,
		});

		// Re-add the archived vehicle's unit: find its model among the brand's models.
		const brand = vehicle.telematics_unit.brand;
		const models = await lifecycle('vehicleModel', 'getMany', { telematicsBrand: brand });
		const model = models.items.find(
			(item) => item.json.vehicle_model === vehicle.master_data.model,
		)!;
		const readded = await lifecycle(
			'vehicle',
			'add',
			addParameters({
				telematicsBrand: brand,
				telematicsUnitId: vehicle.telematics_unit.id,
				vehicleModelId: model.json.id,
				// Kept for an OEM brand only: the editor hides it for a CloudBoxx.
				credentialsId: 'oem-credentials-1',
			}),
		);
		expect(readded.error).toBeUndefined();
		expect(readded.items[0].json.id).not.toBe(id);
		expect(readded.items[0].json.telematics_unit).toMatchObject({ id: vehicle.telematics_unit.id });
	});

	test('commands to a removed vehicle are refused as not found', async () => {
		const id = sim().vehicleIds()[1];
		await lifecycle('vehicle', 'remove', { vehicle: vehicleById(id) });
		const before = requestsTo(sim(), COMMAND_ROUTE);
		const { error } = await runCommands(sim(), sendCommandParameters(id, 'DRAW_ATTENTION'));
		expect(error?.httpCode).toBe('404');
		expect(requestsTo(sim(), COMMAND_ROUTE) - before).toBe(1);
	});
});

describe('Vehicle models', () => {
	test('Get Available: one item per model of the brand', async () => {
		const { items, error } = await lifecycle('vehicleModel', 'getMany', { telematicsBrand: 'NIU' });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.vehicle_model).sort()).toEqual(['MQi+ Sport', 'NQi GT']);
		expect(items[0].json).toMatchObject({ telematics_brand: 'NIU', vehicle_type: 'MOPED' });
		expect(items[0].json.capabilities).toEqual(
			expect.objectContaining({ commands: expect.any(Array) }),
		);
		expect(items[0].json.flow_id).toMatch(/[0-9a-f-]{36}/);
	});

	test('an unknown brand (set by expression) gives a clear error', async () => {
		const { error } = await lifecycle('vehicleModel', 'getMany', {
			telematicsBrand: '={{ "ACME" }}',
		});
		expect(error?.message).toBe(
			'INVERS knows no telematics brand "ACME" (INVERS answered 404): check the field "Telematics Brand"; brands known today are CLOUDBOXX, NIU',
		);
		expect(error?.description).toContain('CLOUDBOXX, NIU');
	});

	test("the Vehicle Model dropdown lists the chosen brand's models", async () => {
		const parameters = { resource: 'vehicle', operation: 'add', telematicsBrand: 'CLOUDBOXX' };
		const { workflow, additionalData, node } = buildWorkflow(
			'inversVehicleLifecycle',
			parameters,
			simulatorCredentials(sim()),
		);
		// The editor sends the node's current parameters with every loadOptions request.
		additionalData.currentNodeParameters = parameters;
		const context = new LoadOptionsContext(
			workflow,
			node,
			additionalData,
			'parameters.vehicleModelId',
		);
		const options = await new InversVehicleLifecycle().methods.loadOptions.getVehicleModels.call(
			context,
		);
		expect(options.map((option) => option.name)).toEqual([
			'Opel Corsa (CAR)',
			'Renault ZOE (CAR)',
			'Volkswagen Golf (CAR)',
			'Volkswagen ID.3 (CAR)',
		]);
		expect(options.find((option) => option.value === ID3)?.description).toContain(
			'UNLOCK_CENTRAL_LOCK',
		);
	});
});
