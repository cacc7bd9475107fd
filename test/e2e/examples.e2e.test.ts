/**
 * The example workflows of examples/ in a real n8n: the webhook and the trigger workflows published
 * and driven while n8n runs, the manual ones run in it (the nightly sweep as "Execute workflow"
 * does: it reads a Data Table, which `n8n execute` cannot) or through `n8n execute`. Each is judged
 * by its execution data and by what it did: the simulator's fleet and request counts, the Data
 * Table, the Postgres table, the alert receiver, and the broker's queues (empty once the trigger's
 * executions finished).
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { DataTableRef } from '../../scripts/sandbox/dataTables';
import {
	dataTableRows,
	ensureDataTable,
	FLEET_STATE_TABLE,
} from '../../scripts/sandbox/dataTables';
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
import type { AmqpPublisher } from '../../simulator/amqpPublisher';
import { createAmqpPublisher } from '../../simulator/amqpPublisher';
import type { EventSimulator } from './harness';
import {
	AMQP_URL,
	EXAMPLES_DIR,
	EXAMPLE_IDS,
	Receiver,
	allNodeItems,
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
	rest,
	runInN8n,
	startEventSimulator,
	uniqueId,
	waitFor,
	writeWorkflows,
} from './harness';

const DATABASE = `invers_e2e_${process.pid}`;

/** The tables of the master data sync and the PostgreSQL mirror, as examples/README.md says. */
const TABLES_SQL = readFileSync(path.join(EXAMPLES_DIR, 'postgres-tables.sql'), 'utf8');

/** The columns a mirror row holds, without the Data Table's own (id, createdAt, updatedAt). */
const MIRROR_COLUMNS = [
	'vehicle_id',
	'state_of_charge_or_fuel_level_in_percent',
	'mileage_in_kilometers',
	'position_lat',
	'position_lon',
	'state_recorded_at',
	'life_status',
	'operation_status',
	'vehicle_modified_at',
] as const;

/** A mirror row's columns, timestamps as ISO strings and numbers as numbers, whatever the store. */
function mirrorColumns(row: Record<string, unknown> | undefined): Record<string, unknown> {
	if (!row) return {};
	return Object.fromEntries(
		MIRROR_COLUMNS.map((column) => {
			const value = row[column] ?? null;
			if (value === null) return [column, null];
			if (column.endsWith('_at')) return [column, new Date(String(value)).toISOString()];
			if (typeof value === 'string' && !Number.isNaN(Number(value)) && column !== 'vehicle_id') {
				return [column, Number(value)];
			}
			return [column, value];
		}),
	);
}

/**
 * Repeats `check` until it passes (batches arrive seconds apart); after the timeout, fails with
 * its last assertion error, which names the difference.
 */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 90_000): Promise<T> {
	const started = Date.now();
	for (;;) {
		try {
			return await check();
		} catch (error) {
			if (Date.now() - started > timeoutMs) throw error;
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}
}

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
	/** The fleet state mirror's Data Table. */
	let mirror: DataTableRef;
	/**
	 * The queues of example 8, the PostgreSQL mirror: a consumer of their own (examples 6 and 8 ship
	 * with the same queues; a user runs one of them), bound to the fleet's exchange like the others.
	 */
	let postgresMirror: AmqpPublisher;
	/** Each vehicle's charge or fuel level when it first reported (the alert example starts then). */
	const firstCharge = new Map<string, number | undefined>();

	beforeAll(async () => {
		await alerts.start();
		await createDatabase(DATABASE);
		await psql(DATABASE, TABLES_SQL);
		events = await startEventSimulator(uniqueId('e2e-ex'), { fleetSize: 50 });
		postgresMirror = await createAmqpPublisher({
			url: AMQP_URL,
			exchange: events.publisher.exchange,
			fleetId: events.fleetId,
			topics: [
				{ name: 'mirror-pg.vehicle-states', eventTypes: ['VehicleStateRecorded'] },
				{ name: 'mirror-pg.vehicle-changes', eventTypes: ['VehicleChanged'] },
			],
		});
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
				if (workflow.id === EXAMPLE_IDS.fleetStateMirrorPostgres) {
					const trigger = nodeNamed(workflow, 'INVERS Trigger').parameters;
					trigger.queues = Object.values(postgresMirror.queues).join(', ');
				}
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
		if (postgresMirror) {
			await deleteQueues(postgresMirror);
			await postgresMirror.close();
		}
		if (events) {
			await deleteQueues(events.publisher);
			await events.close();
		}
		await dropDatabase(DATABASE);
	}, 60_000);

	it('publishes the webhook and trigger examples, starts n8n and creates the Data Table', async () => {
		for (const id of [
			EXAMPLE_IDS.alert,
			EXAMPLE_IDS.masterDataSync,
			EXAMPLE_IDS.unlockOnBooking,
			EXAMPLE_IDS.fleetStateMirror,
			EXAMPLE_IDS.fleetStateMirrorPostgres,
		]) {
			await publishWorkflow(instance, id);
		}
		n8n = await startN8n(instance);
		cookie = await ownerSession(n8n.url);
		// As `npm start` does. No event was published yet, so the mirror has nothing to write before.
		mirror = await ensureDataTable(n8n.url, cookie, FLEET_STATE_TABLE);
		expect(await ensureDataTable(n8n.url, cookie, FLEET_STATE_TABLE)).toEqual(mirror);
	}, 180_000);

	/** The mirror's rows by vehicle, once both of its queues are drained. */
	async function mirrorRows(): Promise<Map<string, Record<string, unknown>>> {
		await waitFor(async () => {
			for (const queue of events.mirrorQueues) {
				const counts = await queueCounts(queue);
				if (counts.ready + counts.unacked > 0) return false;
			}
			return true;
		}, 'the mirror to drain its queues');
		const rows = await dataTableRows(n8n!.url, cookie, mirror);
		return new Map(rows.map((row) => [String(row.vehicle_id), row]));
	}

	/** What the mirror should hold for a vehicle's state, read from the simulator. */
	function stateOf(id: string) {
		const state = events.sim.getVehicleState(id) ?? {};
		const value = (name: string) => (state[name]?.value ?? null) as unknown;
		const position = value('position') as { lat: number; lon: number } | null;
		const times = Object.values(state).map((property) => Date.parse(property.timestamp));
		return {
			state_of_charge_or_fuel_level_in_percent: value('state_of_charge_or_fuel_level_in_percent'),
			mileage_in_kilometers: value('mileage_in_kilometers'),
			position_lat: position?.lat ?? null,
			position_lon: position?.lon ?? null,
			state_recorded_at: times.length ? new Date(Math.max(...times)).toISOString() : null,
		};
	}

	const latestStateCalls = () =>
		Object.entries(events.sim.stats.requests)
			.filter(([route]) => route.includes('latest-vehicle-state'))
			.reduce((sum, [, count]) => sum + count, 0);

	/** Example 8's rows by vehicle, once its queues are drained. */
	async function postgresMirrorRows(): Promise<Map<string, Record<string, unknown>>> {
		await waitFor(async () => {
			for (const queue of Object.values(postgresMirror.queues)) {
				const counts = await queueCounts(queue);
				if (counts.ready + counts.unacked > 0) return false;
			}
			return true;
		}, 'the PostgreSQL mirror to drain its queues');
		const json = await psql(
			DATABASE,
			"SELECT COALESCE(json_agg(t), '[]') FROM invers_fleet_state t",
			16 * 2 ** 20,
		);
		const rows = JSON.parse(json) as Array<Record<string, unknown>>;
		return new Map(rows.map((row) => [String(row.vehicle_id), row]));
	}

	/** What a mirror must hold for a vehicle: its newest state, and its statuses if it changed. */
	function expectedRow(id: string, withStatuses: boolean) {
		const vehicle = events.sim.getVehicle(id)!;
		return mirrorColumns({
			vehicle_id: id,
			...stateOf(id),
			...(withStatuses && {
				life_status: vehicle.life_status.value,
				operation_status: vehicle.operation_status.value,
				vehicle_modified_at: vehicle.modified_at,
			}),
		});
	}

	/** Vehicles whose statuses changed in test 6 (VehicleChanged). */
	let statusChanged: string[] = [];

	it('6. fleet state mirror: batches of the latest state per vehicle, one row each; an older state never overwrites a newer one, in the same batch or a later one', async () => {
		const { sim, publisher } = events;
		const ids = sim.vehicleIds();
		expect(ids).toHaveLength(50);
		for (const id of ids) {
			sim.emitTelemetry(id);
			firstCharge.set(
				id,
				sim.getVehicleState(id)?.state_of_charge_or_fuel_level_in_percent?.value as number,
			);
		}
		// Status changes of three vehicles (VehicleChanged).
		statusChanged = ids.slice(0, 3);
		for (const id of statusChanged) {
			const life = sim.getVehicle(id)!.life_status.value === 'ONLINE' ? 'OFFLINE' : 'ONLINE';
			sim.setVehicleFlags(id, { lifeStatus: life });
		}
		let rows = await eventually(async () => {
			const current = await mirrorRows();
			expect(current.size).toBe(ids.length);
			for (const id of ids) {
				expect(mirrorColumns(current.get(id))).toEqual(expectedRow(id, statusChanged.includes(id)));
			}
			return current;
		});

		// Delivered late: a state and a vehicle change older than what the mirror holds.
		const [first, second] = ids;
		const mirrored = mirrorColumns(rows.get(first));
		await publisher.publish({
			metadata: {
				id: `old-state-${first}`,
				type: 'VehicleStateRecorded',
				schema_major_version: 2,
				occurred_at: '2020-01-01T00:00:00.000Z',
			},
			data: {
				vehicle_id: first,
				vehicle_state: {
					state_of_charge_or_fuel_level_in_percent: {
						timestamp: '2020-01-01T00:00:00.000Z',
						value: 1,
					},
					mileage_in_kilometers: { timestamp: '2020-01-01T00:00:00.000Z', value: 1 },
				},
			},
		});
		const stale = sim.getVehicle(first)!;
		// The master data sync consumes it too.
		changed.push(first);
		await publisher.publish({
			metadata: {
				id: `old-change-${first}`,
				type: 'VehicleChanged',
				occurred_at: '2020-01-01T00:00:00.000Z',
			},
			data: {
				vehicle: {
					...stale,
					modified_at: '2020-01-01T00:00:00.000Z',
					life_status: { value: 'DECOMMISSIONED', modified_at: '2020-01-01T00:00:00.000Z' },
				},
				reasons: ['LIFE_STATUS_CHANGED'],
			},
		});
		// Then a newer partial state that carries the mileage only: the rest of the row stays
		// (in the same batch as the old state, the merge must not take the old charge either).
		sim.setVehicleState(first, { mileage_in_kilometers: 777 });
		await publisher.publish({
			metadata: { id: `partial-${first}`, type: 'VehicleStateRecorded', schema_major_version: 2 },
			data: {
				vehicle_id: first,
				vehicle_state: { mileage_in_kilometers: sim.getVehicleState(first)!.mileage_in_kilometers },
			},
		});
		// A newer state of the second vehicle, then right after it (likely the same batch) an older
		// one: each property a second older than the newest, with other values.
		sim.setVehicleState(second, { ignition: 'OFF', state_of_charge_or_fuel_level_in_percent: 55 });
		sim.emitTelemetry(second);
		const older = Object.fromEntries(
			Object.entries(sim.getVehicleState(second)!).map(([name, property]) => [
				name,
				{
					timestamp: new Date(Date.parse(property.timestamp) - 1000).toISOString(),
					value: typeof property.value === 'number' ? property.value + 3 : property.value,
				},
			]),
		);
		await publisher.publish({
			metadata: { id: `older-${second}`, type: 'VehicleStateRecorded', schema_major_version: 2 },
			data: { vehicle_id: second, vehicle_state: older },
		});

		rows = await eventually(async () => {
			const current = await mirrorRows();
			expect(mirrorColumns(current.get(first))).toEqual({
				...mirrored,
				mileage_in_kilometers: 777,
				state_recorded_at: stateOf(first).state_recorded_at,
			});
			expect(mirrorColumns(current.get(second))).toEqual(
				expectedRow(second, statusChanged.includes(second)),
			);
			return current;
		});
		expect(rows.get(second)!.state_of_charge_or_fuel_level_in_percent).toBe(55);
		expect(rows.size).toBe(ids.length);
		// The master data sync (example 3) got the late vehicle too, in a batch of its own: its row
		// keeps the newer vehicle.
		await waitFor(async () => {
			const counts = await queueCounts(events.changesQueue);
			return counts.ready === 0 && counts.unacked === 0;
		}, 'the changes queue to be empty');
		const [synced] = (
			await psql(
				DATABASE,
				`SELECT life_status, (extract(epoch FROM modified_at) * 1000)::bigint FROM invers_vehicles WHERE id = '${first}'`,
			)
		)
			.trim()
			.split('\n')
			.map((line) => line.split('\t'));
		expect(synced).toEqual([stale.life_status.value, String(Date.parse(stale.modified_at))]);
		// Successful batches are not saved (the example's settings); a failed one would be.
		const executions = await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.fleetStateMirror);
		expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);
	}, 240_000);

	it('8. fleet state mirror in PostgreSQL: the same rows from one upsert per batch, each value only where newer', async () => {
		const ids = events.sim.vehicleIds();
		const [first] = ids;
		const rows = await eventually(async () => {
			const current = await postgresMirrorRows();
			expect(current.size).toBe(ids.length);
			for (const id of ids) {
				const expected = expectedRow(id, statusChanged.includes(id));
				expect(mirrorColumns(current.get(id))).toEqual(expected);
			}
			return current;
		});
		// The late state and vehicle of test 6 changed nothing; the newer partial state did.
		expect(rows.get(first)!.mileage_in_kilometers).toBe(777);
		expect(rows.get(first)!.state_of_charge_or_fuel_level_in_percent).not.toBe(1);
		expect(rows.get(first)!.life_status).not.toBe('DECOMMISSIONED');
		// Each property keeps the time of its value.
		const state = events.sim.getVehicleState(first)!;
		expect(new Date(String(rows.get(first)!.mileage_recorded_at)).toISOString()).toBe(
			state.mileage_in_kilometers.timestamp,
		);
		const executions = await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.fleetStateMirrorPostgres);
		expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);
	}, 150_000);

	it('1. nightly maintenance sweep: reads the mirror, sends exactly the vehicles over a threshold to the garage', async () => {
		const { sim } = events;
		const ids = sim.vehicleIds();
		// Make sure both rules have a vehicle to find, whatever the seed produced; the vehicles
		// report it, so the mirror knows.
		sim.setVehicleState(ids[0], { ignition: 'OFF', mileage_in_kilometers: 240_000 });
		sim.setVehicleState(ids[1], {
			ignition: 'OFF',
			mileage_in_kilometers: 1_000,
			state_of_charge_or_fuel_level_in_percent: 4,
		});
		sim.emitTelemetry(ids[0]);
		sim.emitTelemetry(ids[1]);
		await waitFor(async () => {
			const rows = await mirrorRows();
			return (
				rows.get(ids[0])?.mileage_in_kilometers === 240_000 &&
				rows.get(ids[1])?.state_of_charge_or_fuel_level_in_percent === 4
			);
		}, 'the mirror to hold the new states');
		const expected = ids.filter((id) => {
			const state = sim.getVehicleState(id) ?? {};
			const mileage = state.mileage_in_kilometers?.value as number | undefined;
			const charge = state.state_of_charge_or_fuel_level_in_percent?.value as number | undefined;
			return (mileage !== undefined && mileage > 150_000) || (charge !== undefined && charge < 15);
		});
		expect(expected.length).toBeGreaterThanOrEqual(2);
		const before = new Map(ids.map((id) => [id, sim.getVehicle(id)!.operation_status.value]));
		const callsBefore = latestStateCalls();

		const run = await runInN8n(n8n!.url, cookie, EXAMPLE_IDS.maintenanceSweep, 'Run Now');

		expect(run.data.resultData.error).toBeUndefined();
		expect(run.status).toBe('success');
		expect(allNodeItems(run, 'All Vehicles')).toHaveLength(ids.length);
		expect(allNodeItems(run, 'Fleet State Mirror')).toHaveLength(ids.length);
		// The mirror is complete: not one Get Latest State request.
		expect(allNodeItems(run, 'Latest State (Not Mirrored)')).toEqual([]);
		expect(latestStateCalls() - callsBefore).toBe(0);
		const updated = allNodeItems(run, 'Send to Garage');
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

		// A vehicle missing from the mirror costs one Get Latest State call, and only it.
		await mirrorRows();
		const missing = ids[1];
		const filter = encodeURIComponent(
			JSON.stringify({
				type: 'and',
				filters: [{ columnName: 'vehicle_id', condition: 'eq', value: missing }],
			}),
		);
		const deleted = await rest(
			n8n!.url,
			cookie,
			'DELETE',
			`/rest/projects/${mirror.projectId}/data-tables/${mirror.id}/rows?filter=${filter}`,
		);
		expect(deleted.status).toBe(200);
		const callsBeforeSecondRun = latestStateCalls();
		const second = await runInN8n(n8n!.url, cookie, EXAMPLE_IDS.maintenanceSweep, 'Run Now');
		expect(second.status).toBe('success');
		expect(
			allNodeItems(second, 'Latest State (Not Mirrored)').map((item) => item.vehicle_id),
		).toEqual([missing]);
		expect(latestStateCalls() - callsBeforeSecondRun).toBe(1);
		expect(
			allNodeItems(second, 'Send to Garage')
				.map((item) => item.id)
				.sort(),
		).toEqual([...expected].sort());
	}, 180_000);

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
		const executionsBefore = (await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.unlockOnBooking))
			.length;

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
		// The webhook answers before n8n lists the execution: wait for it, so that the next test's
		// count of executions starts after this one.
		await waitFor(
			async () =>
				(await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.unlockOnBooking)).length ===
				executionsBefore + 1,
			'the unlock execution in the list',
		);
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
		expect(reasons[1]).toMatch(
			/^Vehicle NOSUCH1 was not found in this fleet \(INVERS answered 404\): /,
		);
	});

	it('2. event-triggered alert: one alert per crossing, one all-clear when charged or back inside, acks every event', async () => {
		const { sim } = events;
		const ids = sim.vehicleIds();
		const statesDrained = async () => {
			const counts = await queueCounts(events.statesQueue);
			return counts.ready === 0 && counts.unacked === 0;
		};
		await waitFor(statesDrained, 'the states queue to be empty');
		// At activation every vehicle's first state started the workflow once if it was already
		// low (restart semantics); vehicle 2 dropped to 4 % later, so it alerted once too.
		const alertedAtStart = alerts.bodies
			.filter((body) => body.kind === 'alert' && body.condition === 'low_charge')
			.map((body) => String(body.vehicle_id))
			.sort();
		const lowAtStart = ids.filter((id) => (firstCharge.get(id) ?? 100) < 20);
		expect(alertedAtStart).toEqual([...new Set([...lowAtStart, ids[1]])].sort());
		expect(alerts.bodies.filter((body) => body.condition === 'outside_area')).toEqual([]);

		const vehicle = ids.find(
			(id) =>
				id !== ids[0] &&
				id !== ids[1] &&
				sim.getVehicleState(id)?.state_of_charge_or_fuel_level_in_percent &&
				sim.getVehicleState(id)?.position,
		)!;
		const inside = { lat: 52.52, lon: 13.4 };
		const base = Date.now();
		let step = 0;
		/** The vehicle reports: charge (with its own, newer timestamp) and position. */
		const report = async (charge: number, position = inside) => {
			// emitTelemetry stamps the position with the current time: one report per millisecond at most.
			await new Promise((resolve) => setTimeout(resolve, 5));
			step++;
			sim.setVehicleState(vehicle, {
				ignition: 'OFF',
				state_of_charge_or_fuel_level_in_percent: {
					timestamp: new Date(base + step * 1000).toISOString(),
					value: charge,
				},
				position: { timestamp: new Date(base + step * 1000).toISOString(), value: position },
			});
			return sim.emitTelemetry(vehicle).metadata.id;
		};
		await report(60);
		await waitFor(statesDrained, 'the states queue to be empty');
		alerts.bodies.length = 0;
		const executionsBefore = (await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.alert)).length;

		// 15: alert. 12, 18, 24: still low (cleared only at 20 + 5). 27: all-clear. 10: alert.
		// Munich: outside the 25 km around Berlin, alert. Back in Berlin: all-clear.
		const sent: string[] = [];
		for (const [charge, position] of [
			[15],
			[12],
			[18],
			[24],
			[27],
			[10],
			[10, { lat: 48.137, lon: 11.575 }],
			[10],
		] as Array<[number, { lat: number; lon: number }?]>) {
			sent.push(await report(charge, position));
		}

		await waitFor(() => alerts.bodies.length >= 5, 'five alert and all-clear posts');
		await waitFor(statesDrained, 'the states queue to be empty');
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const posted = alerts.bodies
			.map((body) => [body.event_id, body.kind, body.condition])
			.sort((a, b) => sent.indexOf(String(a[0])) - sent.indexOf(String(b[0])));
		expect(posted).toEqual([
			[sent[0], 'alert', 'low_charge'],
			[sent[4], 'cleared', 'low_charge'],
			[sent[5], 'alert', 'low_charge'],
			[sent[6], 'alert', 'outside_area'],
			[sent[7], 'cleared', 'outside_area'],
		]);
		const bodyOf = (eventId: string) => alerts.bodies.find((body) => body.event_id === eventId)!;
		expect(bodyOf(sent[0])).toMatchObject({ previous_value: 60, current_value: 15 });
		expect(bodyOf(sent[4])).toMatchObject({ previous_value: 24, current_value: 27 });
		expect(bodyOf(sent[5])).toMatchObject({
			previous_value: 27,
			current_value: 10,
			state_of_charge_or_fuel_level_in_percent: 10,
			conditions_met: ['low_charge'],
		});
		const munich = bodyOf(sent[6]).current_value as { lat: number; lon: number };
		expect(munich.lat).toBeCloseTo(48.137, 2);
		expect(bodyOf(sent[6]).conditions_met).toEqual(['low_charge', 'outside_area']);
		expect((bodyOf(sent[7]).current_value as { lat: number }).lat).toBeCloseTo(52.52, 2);
		expect(alerts.bodies.every((body) => body.vehicle_id === vehicle)).toBe(true);
		// Eight events, five transitions: five executions; the other events were acknowledged.
		const executions = await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.alert);
		expect(executions).toHaveLength(executionsBefore + 5);
		expect(executions.every((execution) => execution.status === 'success')).toBe(true);
	}, 120_000);

	it('3. master data sync: upserts every changed vehicle into Postgres in batches, an older change never overwrites a newer one', async () => {
		const { sim } = events;
		// One more change while n8n runs (the earlier ones waited in the queue).
		const vehicle = sim.vehicleIds()[2];
		const lifeStatus =
			sim.getVehicle(vehicle)!.life_status.value === 'ONLINE' ? 'OFFLINE' : 'ONLINE';
		sim.setVehicleFlags(vehicle, { lifeStatus });
		expect(changed.length).toBeGreaterThan(3);

		const rows = await eventually(async () => {
			const counts = await queueCounts(events.changesQueue);
			expect(counts).toEqual({ ready: 0, unacked: 0 });
			const current = (
				await psql(
					DATABASE,
					"SELECT id, license_plate, vin, brand, model, operation_status, life_status, rental_status, array_to_string(tags, ','), (extract(epoch FROM modified_at) * 1000)::bigint FROM invers_vehicles ORDER BY id",
				)
			)
				.trim()
				.split('\n')
				.map((line) => line.split('\t'));
			const expectedIds = [...new Set(changed)].filter((id) => sim.getVehicle(id)).sort();
			expect(current.map((row) => row[0])).toEqual(expectedIds);
			for (const [
				id,
				plate,
				vin,
				brand,
				model,
				operation,
				life,
				rental,
				tags,
				modified,
			] of current) {
				const now = sim.getVehicle(id)!;
				expect({
					plate,
					vin,
					brand,
					model,
					operation,
					life,
					rental,
					tags,
					modified: Number(modified),
				}).toEqual({
					plate: now.master_data.license_plate ?? '',
					vin: now.master_data.vin ?? '',
					brand: now.master_data.brand ?? '',
					model: now.master_data.model ?? '',
					operation: now.operation_status.value,
					life: now.life_status.value,
					rental: now.rental_status.value,
					tags: (now.tags ?? []).join(','),
					modified: Date.parse(now.modified_at),
				});
			}
			return current;
		}, 120_000);
		// The change from 2020 delivered in test 6 found a newer row and changed nothing.
		expect(rows.find((row) => row[0] === sim.vehicleIds()[0])![6]).not.toBe('DECOMMISSIONED');
		const garage = rows.filter((row) => row[5] === 'GARAGE');
		expect(garage.length).toBeGreaterThanOrEqual(2);
		// One execution per batch, far fewer than events; every one succeeded.
		const executions = await listExecutions(n8n!.url, cookie, EXAMPLE_IDS.masterDataSync);
		expect(executions.length).toBeGreaterThan(0);
		expect(executions.length).toBeLessThan(changed.length);
		expect(executions.filter((execution) => execution.status !== 'success')).toEqual([]);
	}, 180_000);
});
