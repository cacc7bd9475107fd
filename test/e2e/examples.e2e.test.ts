/**
 * The five example workflows of examples/ in a real n8n: the manual ones through `n8n execute`,
 * the webhook and the two trigger workflows published and driven while n8n runs. Each is judged
 * by its execution data and by what it did: the simulator's fleet, the Postgres table, the alert
 * receiver, and the broker's queues (empty once the trigger's executions finished).
 */

import type { N8nInstanceOptions, RunningN8n } from '../../scripts/sandbox/n8nInstance';
import { ownerSession, startN8n } from '../../scripts/sandbox/n8nInstance';
import { sandboxPostgresCredential } from '../../scripts/sandbox/postgresCredential';
import {
	UNLOCK_WEBHOOK_PATH,
	WEBHOOK_AUTH_HEADER,
	generateWebhookSecret,
	unlockWebhookHeaders,
	webhookAuthCredential,
} from '../../scripts/sandbox/webhookAuth';
import type { EventSimulator } from './harness';
import {
	EXAMPLE_IDS,
	Receiver,
	createDatabase,
	deleteQueues,
	describeE2e,
	tempDir,
	dropDatabase,
	executeWorkflow,
	executionRun,
	importCredentials,
	importWorkflows,
	inversCredential,
	listExecutions,
	newInstance,
	nodeItems,
	nodeNamed,
	psql,
	publishWorkflow,
	queueCounts,
	readExample,
	startEventSimulator,
	uniqueId,
	waitFor,
	writeWorkflows,
} from './harness';

const DATABASE = `invers_e2e_${process.pid}`;

/** The table the master data sync example writes (as documented in examples/README.md). */
const CREATE_TABLE = `CREATE TABLE invers_vehicles (
	id text PRIMARY KEY,
	license_plate text,
	vin text,
	brand text,
	model text,
	operation_status text,
	life_status text,
	rental_status text,
	tags text[],
	modified_at timestamptz
)`;

describeE2e('the example workflows in n8n 2.41', () => {
	let events: EventSimulator;
	let instance: N8nInstanceOptions;
	let n8n: RunningN8n | undefined;
	let cookie: string;
	const alerts = new Receiver();
	/** Example 4's webhook secret, generated as `npm start` generates the sandbox's. */
	const webhookSecret = generateWebhookSecret();
	/** Vehicle ids of every VehicleChanged the simulator published, in order. */
	const changed: string[] = [];

	beforeAll(async () => {
		await alerts.start();
		await createDatabase(DATABASE);
		await psql(DATABASE, CREATE_TABLE);
		events = await startEventSimulator(uniqueId('e2e-ex'), { fleetSize: 12 });
		events.sim.events.on(
			'event',
			(envelope: { metadata: { type: string }; data: { vehicle?: { id: string } } }) => {
				if (envelope.metadata.type === 'VehicleChanged' && envelope.data.vehicle) {
					changed.push(envelope.data.vehicle.id);
				}
			},
		);
		instance = await newInstance('examples');
		await importCredentials(instance, [
			inversCredential(events.sim.url),
			sandboxPostgresCredential(DATABASE),
			webhookAuthCredential(webhookSecret),
		]);
		const dir = tempDir('workflows');
		writeWorkflows(
			dir,
			events.fleetId,
			Object.values(EXAMPLE_IDS).map((id) => readExample(id)),
			(workflow) => {
				if (workflow.id !== EXAMPLE_IDS.alert) return;
				const settings = nodeNamed(workflow, 'Alert Settings').parameters as {
					assignments: { assignments: Array<{ name: string; value: unknown }> };
				};
				const url = settings.assignments.assignments.find((entry) => entry.name === 'alertUrl')!;
				url.value = `${alerts.url}/invers-alert`;
			},
		);
		await importWorkflows(instance, dir);
	}, 240_000);

	afterAll(async () => {
		await n8n?.stop();
		await alerts.close();
		if (events) {
			await deleteQueues(events.publisher);
			await events.close();
		}
		await dropDatabase(DATABASE);
	}, 60_000);

	it('1. nightly maintenance sweep: sends exactly the vehicles over a threshold to the garage', async () => {
		const { sim } = events;
		const ids = sim.vehicleIds();
		// Make sure both rules have a vehicle to find, whatever the seed produced.
		sim.setVehicleState(ids[0], { mileage_in_kilometers: 240_000 });
		sim.setVehicleState(ids[1], {
			mileage_in_kilometers: 1_000,
			state_of_charge_or_fuel_level_in_percent: 4,
		});
		const expected = ids.filter((id) => {
			const state = sim.getVehicleState(id) ?? {};
			const mileage = state.mileage_in_kilometers?.value as number | undefined;
			const charge = state.state_of_charge_or_fuel_level_in_percent?.value as number | undefined;
			return (mileage !== undefined && mileage > 150_000) || (charge !== undefined && charge < 15);
		});
		expect(expected.length).toBeGreaterThanOrEqual(2);
		const before = new Map(ids.map((id) => [id, sim.getVehicle(id)!.operation_status.value]));

		const run = await executeWorkflow(instance, EXAMPLE_IDS.maintenanceSweep);

		expect(run.data.resultData.error).toBeUndefined();
		expect(nodeItems(run, 'All Vehicles')).toHaveLength(ids.length);
		expect(nodeItems(run, 'Latest State')).toHaveLength(ids.length);
		const updated = nodeItems(run, 'Send to Garage');
		expect(updated.map((item) => item.id).sort()).toEqual([...expected].sort());
		for (const id of ids) {
			const vehicle = sim.getVehicle(id)!;
			if (expected.includes(id)) {
				expect(vehicle.operation_status.value).toBe('GARAGE');
				expect(String(vehicle.custom_fields.maintenance_reason)).toMatch(
					/^(mileage \d+ km over 150000 km|charge or fuel level \d+ % under 15 %)$/,
				);
			} else {
				expect(vehicle.operation_status.value).toBe(before.get(id));
				expect(vehicle.custom_fields.maintenance_reason).toBeUndefined();
			}
		}
		expect(sim.getVehicle(ids[0])!.custom_fields.maintenance_reason).toBe(
			'mileage 240000 km over 150000 km',
		);
		expect(sim.getVehicle(ids[1])!.custom_fields.maintenance_reason).toBe(
			'charge or fuel level 4 % under 15 %',
		);
	});

	it('5. fleet onboarding: adds CloudBoxx units without credentials and a NIU unit with its password, reports the bad one per item', async () => {
		const { sim } = events;
		const countBefore = sim.vehicleIds().length;

		const run = await executeWorkflow(instance, EXAMPLE_IDS.onboarding);

		expect(run.data.resultData.error).toBeUndefined();
		const results = nodeItems(run, 'Result per Unit');
		expect(results.map((item) => [item.telematics_unit_id, item.success])).toEqual([
			['CBX-10101', true],
			['CBX-10102', true],
			['CBX-99999', false],
			['NIU-20101', true],
		]);
		const plates = new Map(
			nodeItems(run, 'Telematics Units').map((unit) => [
				unit.telematics_unit_id,
				unit.license_plate,
			]),
		);
		const failed = results.find((item) => item.telematics_unit_id === 'CBX-99999')!;
		expect(String(failed.error)).toMatch(/telematics|unit|not found/i);
		expect(failed.vehicle_id).toBeNull();

		expect(sim.vehicleIds()).toHaveLength(countBefore + 3);
		for (const item of results.filter((entry) => entry.success)) {
			const vehicle = sim.getVehicle(String(item.vehicle_id))!;
			expect(vehicle.telematics_unit.id).toBe(item.telematics_unit_id);
			expect(vehicle.tags).toContain('onboarded-by-n8n');
			expect(vehicle.master_data.license_plate).toBe(plates.get(item.telematics_unit_id));
		}
		const niu = sim.getVehicle(String(results[3].vehicle_id))!;
		expect(niu.telematics_unit.brand).toBe('NIU');
		expect(niu.master_data.vehicle_type).toBe('MOPED');
	});

	it('publishes the webhook and trigger examples and starts n8n', async () => {
		for (const id of [EXAMPLE_IDS.alert, EXAMPLE_IDS.masterDataSync, EXAMPLE_IDS.unlockOnBooking]) {
			await publishWorkflow(instance, id);
		}
		n8n = await startN8n(instance);
		cookie = await ownerSession(n8n.url);
		// Both triggers consume as soon as they are active: the changes queue then drains.
		await waitFor(
			async () => (await queueCounts(events.changesQueue)).ready === 0,
			'the sync trigger to drain the queue',
		);
	}, 180_000);

	it('4. unlock on booking: unlocks a car and answers with its new state', async () => {
		const { sim } = events;
		const car = sim
			.vehicleIds()
			.find(
				(id) =>
					sim.getVehicle(id)!.master_data.vehicle_type === 'CAR' &&
					sim.getVehicle(id)!.setup_status !== 'PENDING',
			)!;
		sim.setVehicleFlags(car, { lifeStatus: 'ONLINE' });
		sim.setVehicleState(car, { ignition: 'OFF', central_lock: 'LOCKED', driving_enabled: false });
		const commandsBefore = sim.stats.commandsReceived.length;

		const response = await unlock(car);
		const body = (await response.json()) as Record<string, unknown>;

		expect(response.status).toBe(200);
		expect(body).toMatchObject({
			ok: true,
			vehicle_id: car,
			command: 'UNLOCK_AND_ENABLE_DRIVING',
			central_lock: 'UNLOCKED',
			driving_enabled: true,
		});
		expect(sim.stats.commandsReceived.slice(commandsBefore)).toEqual([
			expect.objectContaining({ vehicleId: car, command: 'UNLOCK_AND_ENABLE_DRIVING' }),
		]);
		expect(sim.getVehicleState(car)!.central_lock.value).toBe('UNLOCKED');
	});

	/** Example 4's webhook, called with the secret header unless other headers are given. */
	const unlock = (vehicleId: string, headers = unlockWebhookHeaders(webhookSecret)) =>
		fetch(`${n8n!.url}/webhook/${UNLOCK_WEBHOOK_PATH}`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ vehicle_id: vehicleId }),
		});

	it("4. unlock on booking: a call without the secret gets n8n's bare 403 and runs nothing", async () => {
		const { sim } = events;
		const car = sim.vehicleIds()[0];
		const requestsBefore = JSON.stringify(sim.stats.requests);
		const commandsBefore = sim.stats.commandsReceived.length;
		const executionsBefore = (await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.unlockOnBooking))
			.length;

		const attempts: Array<Record<string, string>> = [
			{ 'content-type': 'application/json' },
			{ 'content-type': 'application/json', [WEBHOOK_AUTH_HEADER]: `${webhookSecret}x` },
			{ 'content-type': 'application/json', [WEBHOOK_AUTH_HEADER]: '' },
		];
		for (const headers of attempts) {
			for (const vehicleId of [car, 'NOSUCH1']) {
				const response = await unlock(vehicleId, headers);
				const text = await response.text();
				expect(response.status).toBe(403);
				// Nothing about the vehicle: the same answer for a real and an unknown ID.
				expect(text).toBe('Authorization data is wrong!');
			}
		}

		expect(sim.stats.commandsReceived.length).toBe(commandsBefore);
		expect(JSON.stringify(sim.stats.requests)).toBe(requestsBefore);
		expect((await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.unlockOnBooking)).length).toBe(
			executionsBefore,
		);
	});

	it('4. unlock on booking: an unknown vehicle and one without the capability get the same refusal; the reason stays in the execution', async () => {
		const { sim } = events;
		const moped = sim
			.vehicleIds()
			.find((id) => sim.getVehicle(id)!.master_data.vehicle_type === 'MOPED');
		expect(moped).toBeDefined();
		const commandsBefore = sim.stats.commandsReceived.length;

		const answers: Array<{ status: number; body: Record<string, unknown> }> = [];
		for (const vehicleId of [moped!, 'NOSUCH1']) {
			const response = await unlock(vehicleId);
			const text = await response.text();
			if (response.status !== 409) console.log(response.status, text, n8n!.log().slice(-3000));
			answers.push({ status: response.status, body: JSON.parse(text || '{}') });
		}

		const generic = {
			ok: false,
			error: 'The vehicle was not unlocked. The reason is in the n8n execution.',
			execution_id: expect.any(String),
		};
		expect(answers).toEqual([
			{ status: 409, body: { ...generic, vehicle_id: moped } },
			{ status: 409, body: { ...generic, vehicle_id: 'NOSUCH1' } },
		]);
		expect(sim.stats.commandsReceived.length).toBe(commandsBefore);

		// The operator finds the reason in the execution the answer names.
		const reasons = [];
		for (const { body } of answers) {
			const run = await executionRun(n8n!.url, cookie, String(body.execution_id));
			reasons.push(String(nodeItems(run, 'Unlock and Enable Driving')[0]?.error));
		}
		expect(reasons[0]).toMatch(/does not support the command UNLOCK_AND_ENABLE_DRIVING/);
		expect(reasons[1]).toBe('Resource not found: vehicle NOSUCH1');
	});

	it('2. event-triggered alert: alerts on low charge and outside the geofence, acks every event', async () => {
		const { sim } = events;
		const reporting = sim
			.vehicleIds()
			.filter((id) => Object.keys(sim.getVehicleState(id) ?? {}).length > 0);
		const [low, fine, away] = reporting;
		const inside = { lat: 52.52, lon: 13.4 };
		sim.setVehicleState(low, { state_of_charge_or_fuel_level_in_percent: 6, position: inside });
		sim.setVehicleState(fine, { state_of_charge_or_fuel_level_in_percent: 90, position: inside });
		sim.setVehicleState(away, {
			state_of_charge_or_fuel_level_in_percent: 80,
			position: { lat: 48.137, lon: 11.575 },
		});
		const executionsBefore = (await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.alert)).length;

		const sent = [low, fine, away].map((id) => sim.emitTelemetry(id).metadata.id);

		await waitFor(
			async () =>
				(await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.alert)).length === executionsBefore + 3,
			'three alert workflow executions',
		);
		await waitFor(() => alerts.bodies.length >= 2, 'two alerts');
		const byVehicle = new Map(alerts.bodies.map((body) => [body.vehicle_id, body]));
		expect(alerts.bodies).toHaveLength(2);
		expect(byVehicle.get(low)).toMatchObject({
			low_charge: true,
			outside_geofence: false,
			event_id: sent[0],
		});
		expect(byVehicle.get(away)).toMatchObject({
			low_charge: false,
			outside_geofence: true,
			event_id: sent[2],
		});
		expect(byVehicle.has(fine)).toBe(false);
		const executions = await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.alert);
		expect(executions.every((execution) => execution.status === 'success')).toBe(true);
		await waitFor(async () => {
			const counts = await queueCounts(events.statesQueue);
			return counts.ready === 0 && counts.unacked === 0;
		}, 'the states queue to be empty');
	});

	it('3. master data sync: upserts every changed vehicle into Postgres, acks every event', async () => {
		const { sim } = events;
		// One more change while n8n runs (the earlier ones waited in the queue).
		const vehicle = sim.vehicleIds()[2];
		const lifeStatus =
			sim.getVehicle(vehicle)!.life_status.value === 'ONLINE' ? 'OFFLINE' : 'ONLINE';
		sim.setVehicleFlags(vehicle, { lifeStatus });
		expect(changed.length).toBeGreaterThan(3);

		await waitFor(
			async () =>
				(await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.masterDataSync)).length ===
				changed.length,
			`${changed.length} sync executions`,
			90_000,
		);
		await waitFor(async () => {
			const counts = await queueCounts(events.changesQueue);
			return counts.ready === 0 && counts.unacked === 0;
		}, 'the changes queue to be empty');
		const executions = await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.masterDataSync);
		expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);

		const rows = (
			await psql(
				DATABASE,
				"SELECT id, license_plate, vin, brand, model, operation_status, life_status, rental_status, array_to_string(tags, ',') FROM invers_vehicles ORDER BY id",
			)
		)
			.trim()
			.split('\n')
			.map((line) => line.split('\t'));
		const expectedIds = [...new Set(changed)].filter((id) => sim.getVehicle(id)).sort();
		expect(rows.map((row) => row[0])).toEqual(expectedIds);
		for (const [id, plate, vin, brand, model, operation, life, rental, tags] of rows) {
			const current = sim.getVehicle(id)!;
			expect({ plate, vin, brand, model, operation, life, rental, tags }).toEqual({
				plate: current.master_data.license_plate ?? '',
				vin: current.master_data.vin ?? '',
				brand: current.master_data.brand ?? '',
				model: current.master_data.model ?? '',
				operation: current.operation_status.value,
				life: current.life_status.value,
				rental: current.rental_status.value,
				tags: (current.tags ?? []).join(','),
			});
		}
		const garage = rows.filter((row) => row[5] === 'GARAGE');
		expect(garage.length).toBeGreaterThanOrEqual(2);
	}, 150_000);
});
