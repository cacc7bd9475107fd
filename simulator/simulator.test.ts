/**
 * The simulator against the contract, over real HTTP. One simulator (250 vehicles) serves the
 * suite; each test starts from `reset()` and restores any config it changed.
 */
import {
	FLOW_ID_HEADER,
	SETUP_STATUS_FIELD,
	TOKEN_PATH,
	listQuery,
	nextPageToken,
	paths,
	rateLimitHeaders,
} from './apiNames';
import { problemTypes } from './inversRules';
import { type EventEnvelope, type Simulator, type Vehicle, startSimulator } from './index';
import { type ApiResponse, TestClient, basicAuth } from './testHttp';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CLOUDBOXX_ID3 = '01HQJGXPRPG4179ZPNB83WVTE8';

let sim: Simulator;
let client: TestClient;
let token: string;
const events: EventEnvelope[] = [];

beforeAll(async () => {
	sim = await startSimulator({ fleetSize: 250, setupDelayMs: 30 });
	client = new TestClient(sim.url);
	sim.events.on('event', (envelope: EventEnvelope) => events.push(envelope));
});

afterAll(() => sim.close());

beforeEach(async () => {
	sim.reset();
	Object.assign(sim.config, { commandLatencyMs: 0, setupDelayMs: 30, rateLimit: undefined });
	events.length = 0;
	token = await client.token();
});

const get = (path: string, as = token) => client.request('GET', path, { token: as });

function expectProblem(response: ApiResponse, status: number, type: string, detailPart?: string) {
	expect(response.status).toBe(status);
	expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
	expect(response.body).toMatchObject({ type, status, title: expect.any(String) });
	expect(response.body.type_documentation).toBe(`https://developers.invers.com${type}`);
	expect(response.body.flow_id).toBe(response.headers.get(FLOW_ID_HEADER));
	if (detailPart) expect(response.body.detail).toContain(detailPart);
}

/** The first seeded vehicle that satisfies `test` (the fleet is deterministic, so stable). */
function findVehicle(test: (vehicle: Vehicle) => boolean): Vehicle {
	for (const id of sim.vehicleIds()) {
		const vehicle = sim.getVehicle(id)!;
		if (test(vehicle)) return vehicle;
	}
	throw new Error('no such vehicle in the fleet');
}

const isCommandable = (vehicle: Vehicle, type: string) =>
	vehicle.master_data.vehicle_type === type && vehicle.life_status.value === 'ONLINE';

describe('auth', () => {
	it('issues a bearer token to a client whose id contains #', async () => {
		const response = await client.request('POST', TOKEN_PATH, {
			headers: { Authorization: basicAuth('demo#client', 'demo-secret') },
		});
		expect(response.status).toBe(200);
		expect(response.body).toEqual({
			access_token: expect.any(String),
			token_type: 'bearer',
			expires_in: 900,
		});
		expect(sim.stats.tokenRequests).toBe(2);
	});

	it('also accepts a URL-encoded client id in Basic auth', async () => {
		expect(await client.token('demo%23client', 'demo-secret')).toEqual(expect.any(String));
	});

	it('refuses wrong or missing client credentials and a wrong grant type', async () => {
		const wrong = await client.request('POST', TOKEN_PATH, {
			headers: { Authorization: basicAuth('demo#client', 'nope') },
		});
		expectProblem(wrong, 401, problemTypes.invalidCredentials);
		expectProblem(await client.request('POST', TOKEN_PATH), 401, problemTypes.invalidCredentials);
		const noGrant = await client.request('POST', '/auth/oauth/token', {
			headers: { Authorization: basicAuth('demo#client', 'demo-secret') },
		});
		expectProblem(noGrant, 400, problemTypes.validationError, 'grant_type');
	});

	it('answers 401 without, with a bad and with an expired token', async () => {
		expectProblem(await get(paths.vehicles, ''), 401, problemTypes.missingCredentials);
		expectProblem(await get(paths.vehicles, 'bogus'), 401, problemTypes.invalidCredentials);
		expect((await get(paths.vehicles)).status).toBe(200);
		sim.expireTokens();
		expectProblem(await get(paths.vehicles), 401, problemTypes.invalidCredentials, 'expired');
	});

	it('answers 403 naming the missing permission', async () => {
		const readonly = await client.token('readonly#client', 'readonly-secret');
		const id = sim.vehicleIds()[0];
		expect((await get(paths.vehicle(id), readonly)).status).toBe(200);
		const patch = await client.request('PATCH', paths.vehicle(id), { token: readonly, body: {} });
		expectProblem(patch, 403, problemTypes.missingPermissions, "'vehicles'");

		const nocommands = await client.token('nocommands#client', 'nocommands-secret');
		const command = await client.request('POST', paths.vehicleCommand(id, 'draw-attention'), {
			token: nocommands,
		});
		expectProblem(command, 403, problemTypes.missingPermissions, "'vehicle-commands'");
	});
});

describe('common behaviour', () => {
	it('puts a fresh flow id on every response', async () => {
		const responses = await Promise.all([
			client.request('POST', TOKEN_PATH, { headers: { Authorization: basicAuth('x', 'y') } }),
			get(paths.vehicles),
			get('/no/such/route'),
			get('/__sim/stats'),
			client.request('PATCH', paths.vehicle(sim.vehicleIds()[0]), { token, rawBody: '{oops' }),
		]);
		const flowIds = responses.map((response) => response.headers.get(FLOW_ID_HEADER));
		flowIds.forEach((flowId) => expect(flowId).toMatch(UUID));
		expect(new Set(flowIds).size).toBe(responses.length);
		expectProblem(responses[2], 404, problemTypes.resourceNotFound);
		expectProblem(responses[4], 400, problemTypes.invalidJson);
	});
});

describe('vehicle list', () => {
	it('pages through 250 vehicles with limit 100', async () => {
		const seen: string[] = [];
		const sizes: number[] = [];
		let pageToken: string | undefined;
		do {
			const query = `?${listQuery.limit}=100${pageToken ? `&${listQuery.pageToken}=${pageToken}` : ''}`;
			const page = await get(paths.vehicles + query);
			expect(page.status).toBe(200);
			sizes.push(page.body.items.length);
			seen.push(...page.body.items.map((vehicle: Vehicle) => vehicle.id));
			pageToken = nextPageToken(page.body);
			if (!pageToken) expect(page.body.next_page_token).toBeNull();
		} while (pageToken);
		expect(sizes).toEqual([100, 100, 50]);
		expect(seen).toEqual(sim.vehicleIds());
		seen.forEach((id) => expect(id).toMatch(/^[A-Z0-9]{5}$/));
	});

	it('searches license plate, custom name and VIN case-insensitively', async () => {
		const target = sim.getVehicle(sim.vehicleIds()[42])!;
		for (const text of [
			target.master_data.license_plate!.toLowerCase(),
			target.master_data.vin!.slice(-8).toLowerCase(),
			target.master_data.custom_name!,
		]) {
			const page = await get(`${paths.vehicles}?${listQuery.search}=${encodeURIComponent(text)}`);
			expect(page.body.items.map((vehicle: Vehicle) => vehicle.id)).toContain(target.id);
		}
		const none = await get(`${paths.vehicles}?${listQuery.search}=zzzz-nothing`);
		expect(none.body).toEqual({ items: [], next_page_token: null });
	});

	it('refuses a bad limit or page token, naming the parameter', async () => {
		for (const limit of ['0', '101', 'ten']) {
			const response = await get(`${paths.vehicles}?${listQuery.limit}=${limit}`);
			expectProblem(response, 400, problemTypes.validationError, listQuery.limit);
		}
		const response = await get(`${paths.vehicles}?${listQuery.pageToken}=not-ours`);
		expectProblem(response, 400, problemTypes.validationError, listQuery.pageToken);
	});

	it('can put the next page token under another name', async () => {
		const other = await startSimulator({ fleetSize: 3, pageTokenField: 'cursors.next' });
		try {
			const otherClient = new TestClient(other.url);
			const first = await otherClient.request('GET', `${paths.vehicles}?limit=2`, {
				token: await otherClient.token(),
			});
			expect(first.body.cursors.next).toEqual(expect.any(String));
			expect(first.body.next_page_token).toBeUndefined();
		} finally {
			await other.close();
		}
	});
});

describe('vehicle management', () => {
	it('gets a vehicle with ETag, and 404 for an unknown one', async () => {
		const id = sim.vehicleIds()[0];
		const response = await get(paths.vehicle(id));
		expect(response.body).toEqual(sim.getVehicle(id));
		expect(response.headers.get('etag')).toMatch(/^".+"$/);
		expect(response.body[SETUP_STATUS_FIELD]).toBe('SUCCEEDED');
		expectProblem(await get(paths.vehicle('NOPE1')), 404, problemTypes.resourceNotFound);
	});

	it('returns the latest vehicle state', async () => {
		const id = sim.vehicleIds()[0];
		const response = await get(paths.latestVehicleState(id));
		expect(response.status).toBe(200);
		const vehicle = sim.getVehicle(id)!;
		for (const [name, property] of Object.entries(response.body)) {
			expect(vehicle.capabilities.vehicle_state).toContain(name);
			expect(property).toEqual({
				timestamp: expect.stringMatching(/Z$/),
				value: expect.anything(),
			});
		}
	});

	it.each([
		[{ master_data: { license_plate: 'B-'.padEnd(31, 'X') } }, 'master_data.license_plate'],
		[{ master_data: { vin: 'WVWZZZ1KZAW00000O' } }, 'master_data.vin'],
		[{ master_data: { colour: 'red' } }, 'master_data.colour'],
		[{ master_data: { year_of_production: 2020 } }, 'master_data.year_of_production'],
		[{ fleet_id: 'X' }, 'fleet_id'],
		[{ operation_status: 'GARAGE' }, 'operation_status'],
		[{ rental_status: { value: 'IN_RENTAL', since: 'now' } }, 'rental_status.since'],
		[{ tags: 'city' }, 'tags'],
		[{ tags: ['ok', 3] }, 'tags[1]'],
		[{ custom_fields: { station: { nested: true } } }, 'custom_fields.station'],
		[[], 'body'],
	])('refuses the update %j, naming %s', async (body, field) => {
		const response = await client.request('PATCH', paths.vehicle(sim.vehicleIds()[0]), {
			token,
			body,
		});
		expectProblem(response, 400, problemTypes.validationError, field);
	});

	it('merges an update, bumps the ETag and emits VehicleChanged', async () => {
		const id = sim.vehicleIds()[0];
		const before = await get(paths.vehicle(id));
		const response = await client.request('PATCH', paths.vehicle(id), {
			token,
			headers: { 'If-Match': before.headers.get('etag')! },
			body: {
				master_data: { license_plate: 'B-IV 1234' },
				custom_fields: { station: null, note: 'checked' },
				operation_status: { value: 'GARAGE' },
			},
		});
		expect(response.status).toBe(200);
		expect(response.body.master_data.license_plate).toBe('B-IV 1234');
		expect(response.body.master_data.vin).toBe(before.body.master_data.vin);
		expect(response.body.custom_fields).toEqual({
			cost_center: before.body.custom_fields.cost_center,
			note: 'checked',
		});
		expect(response.body.operation_status.value).toBe('GARAGE');
		expect(response.headers.get('etag')).not.toBe(before.headers.get('etag'));

		const [event] = events;
		expect(event.metadata).toMatchObject({
			type: 'VehicleChanged',
			schema_major_version: 1,
			flow_id: response.headers.get(FLOW_ID_HEADER),
			id: expect.stringMatching(UUID),
			occurred_at: expect.stringMatching(/Z$/),
		});
		expect(event.data.reasons).toEqual([
			'MASTER_DATA_CHANGED',
			'CUSTOM_FIELDS_CHANGED',
			'OPERATION_STATUS_CHANGED',
		]);
		expect((event.data.vehicle as Vehicle).id).toBe(id);

		const stale = await client.request('PATCH', paths.vehicle(id), {
			token,
			headers: { 'If-Match': before.headers.get('etag')! },
			body: { tags: [] },
		});
		expectProblem(stale, 412, problemTypes.resourceModified);
	});
});

describe('vehicle lifecycle', () => {
	const addBody = (unit: string, extra: Record<string, unknown> = {}) => ({
		telematics_brand: 'CLOUDBOXX',
		telematics_unit_id: unit,
		vehicle_model_id: CLOUDBOXX_ID3,
		...extra,
	});
	const add = (body: unknown) => client.request('POST', paths.vehicles, { token, body });

	/** Resolves with the SETUP_STATUS_CHANGED event of `vehicleId`. */
	function setupFinished(vehicleId: string): Promise<EventEnvelope> {
		return new Promise((resolve) => {
			const listener = (envelope: EventEnvelope) => {
				const vehicle = envelope.data.vehicle as Vehicle | undefined;
				const reasons = envelope.data.reasons as string[] | undefined;
				if (vehicle?.id === vehicleId && reasons?.includes('SETUP_STATUS_CHANGED')) {
					sim.events.off('event', listener);
					resolve(envelope);
				}
			};
			sim.events.on('event', listener);
		});
	}

	it('lists the available vehicle models per brand', async () => {
		const cloudboxx = await get(paths.availableVehicleModels('CLOUDBOXX'));
		expect(cloudboxx.body.items).toHaveLength(4);
		expect(cloudboxx.body.items[0]).toMatchObject({
			id: CLOUDBOXX_ID3,
			vehicle_brand: expect.any(String),
			vehicle_model: expect.any(String),
			vehicle_type: 'CAR',
			capabilities: { commands: expect.any(Array), vehicle_state: expect.any(Array) },
		});
		const niu = await get(paths.availableVehicleModels('NIU'));
		expect(niu.body.items.map((model: { vehicle_type: string }) => model.vehicle_type)).toEqual([
			'MOPED',
			'MOPED',
		]);
		niu.body.items.forEach((model: { id: string }) => expect(model.id).toMatch(/^[0-9A-Z]{26}$/));
		expectProblem(
			await get(paths.availableVehicleModels('ACME')),
			404,
			problemTypes.resourceNotFound,
		);
	});

	it('adds a vehicle whose setup then succeeds, removes it and adds the unit again', async () => {
		// Long enough that the command below still meets the pending setup on a loaded machine.
		sim.config.setupDelayMs = 1000;
		const added = await add(addBody('CBX-10001', { operation_status: 'GARAGE', tags: ['city'] }));
		expect(added.status).toBe(201);
		const id = added.body.id;
		expect(added.body).toMatchObject({
			[SETUP_STATUS_FIELD]: 'PENDING',
			life_status: { value: 'ONLINE' },
			operation_status: { value: 'GARAGE' },
			telematics_unit: { id: 'CBX-10001', brand: 'CLOUDBOXX' },
			tags: ['city'],
		});
		const finished = setupFinished(id);
		const early = await client.request('POST', paths.vehicleCommand(id, 'draw-attention'), {
			token,
		});
		expectProblem(early, 409, problemTypes.conflictingSetupStatus);

		const event = await finished;
		expect(event.metadata.flow_id).toBe(added.headers.get(FLOW_ID_HEADER));
		expect((await get(paths.vehicle(id))).body[SETUP_STATUS_FIELD]).toBe('SUCCEEDED');
		expect(Object.keys((await get(paths.latestVehicleState(id))).body)).toContain('central_lock');

		expectProblem(
			await add(addBody('CBX-10001')),
			400,
			problemTypes.validationError,
			'telematics_unit_id',
		);

		const removed = await client.request('DELETE', paths.vehicle(id), { token });
		expect(removed.status).toBe(204);
		expect(events.at(-1)!.data.reasons).toEqual(['VEHICLE_REMOVED']);
		expectProblem(await get(paths.vehicle(id)), 404, problemTypes.resourceNotFound);
		expect((await client.request('DELETE', paths.vehicle(id), { token })).status).toBe(404);

		const again = await add(addBody('CBX-10001'));
		expect(again.status).toBe(201);
		expect(again.body.id).not.toBe(id);
	});

	it('lets the setup of a unit ending in 999 fail', async () => {
		const added = await add(addBody('CBX-10999'));
		const event = await setupFinished(added.body.id);
		expect((event.data.vehicle as Vehicle)[SETUP_STATUS_FIELD]).toBe('FAILED');
	});

	it('re-adds the unit of a removed seeded vehicle', async () => {
		const seeded = findVehicle((vehicle) => vehicle.telematics_unit.brand === 'CLOUDBOXX');
		await client.request('DELETE', paths.vehicle(seeded.id), { token });
		const again = await add(addBody(seeded.telematics_unit.id));
		expect(again.status).toBe(201);
	});

	it.each([
		[{ colour: 'red' }, problemTypes.validationError, 'colour'],
		// A CloudBoxx takes no unit credentials (the OEM rules: inversRules.test.ts).
		[{ credentials_id: 'c1' }, problemTypes.validationError, 'credentials_id'],
		[{ password: 'secret' }, problemTypes.validationError, 'password'],
		[{ master_data: { vin: 'SHORT' } }, problemTypes.validationError, 'master_data.vin'],
		[{ operation_status: { value: 'GARAGE' } }, problemTypes.validationError, 'operation_status'],
		[{ telematics_brand: 'ACME' }, problemTypes.referencedResourceNotFound, 'telematics_brand'],
		[
			{ telematics_unit_id: 'CBX-99999' },
			problemTypes.referencedResourceNotFound,
			'telematics_unit_id',
		],
		[
			{ telematics_unit_id: 'NIU-20001' },
			problemTypes.referencedResourceNotFound,
			'telematics_unit_id',
		],
		[
			{ vehicle_model_id: '01HQNGRMFD70AH9ZTK3YJK33TN' },
			problemTypes.referencedResourceNotFound,
			'vehicle_model_id',
		],
	])('refuses to add with %j', async (extra, type, field) => {
		expectProblem(await add(addBody('CBX-10002', extra)), 400, type, field);
	});
});

describe('vehicle commands', () => {
	const command = (id: string, segment: string) =>
		client.request('POST', paths.vehicleCommand(id, segment), { token });

	it('answers every refusal with its problem type', async () => {
		expectProblem(
			await command('NOPE1', 'unlock-central-lock'),
			404,
			problemTypes.resourceNotFound,
		);

		const car = findVehicle((vehicle) => isCommandable(vehicle, 'CAR'));
		sim.setVehicleFlags(car.id, { setupStatus: 'PENDING' });
		expectProblem(
			await command(car.id, 'unlock-central-lock'),
			409,
			problemTypes.conflictingSetupStatus,
		);
		sim.setVehicleFlags(car.id, { setupStatus: 'SUCCEEDED', sharedWithPartner: true });
		expectProblem(
			await command(car.id, 'unlock-central-lock'),
			409,
			problemTypes.sharedWithPartner,
		);
		sim.setVehicleFlags(car.id, { sharedWithPartner: false });

		const response = await command(car.id, 'unlock-top-case');
		expectProblem(response, 409, problemTypes.commandNotSupported, 'UNLOCK_TOP_CASE');
		expectProblem(
			await command(car.id, 'fly-away'),
			409,
			problemTypes.commandNotSupported,
			'FLY_AWAY',
		);

		sim.setVehicleState(car.id, { ignition: 'ON' });
		expectProblem(await command(car.id, 'lock-central-lock'), 409, problemTypes.conflictingState);
		expectProblem(
			await command(car.id, 'lock-and-disable-driving'),
			409,
			problemTypes.conflictingState,
		);

		sim.setVehicleFlags(car.id, { lifeStatus: 'OFFLINE' });
		expectProblem(
			await command(car.id, 'unlock-central-lock'),
			500,
			problemTypes.telematicsUnitError,
		);
		expect(sim.stats.commandsReceived).toEqual([]);
		expect(sim.stats.requests['POST /vehicles/:id/commands/:command']).toBe(8);
	});

	it('executes a command: state changes, is recorded and emitted', async () => {
		const car = findVehicle((vehicle) => isCommandable(vehicle, 'CAR'));
		sim.setVehicleState(car.id, {
			ignition: 'OFF',
			central_lock: 'LOCKED',
			driving_enabled: false,
		});
		const response = await command(car.id, 'unlock-and-enable-driving');
		expect(response.status).toBe(200);
		expect(response.body.central_lock.value).toBe('UNLOCKED');
		expect(response.body.driving_enabled.value).toBe(true);
		expect((await get(paths.latestVehicleState(car.id))).body).toEqual(response.body);
		expect(sim.stats.commandsReceived).toEqual([
			{ vehicleId: car.id, command: 'UNLOCK_AND_ENABLE_DRIVING', at: expect.stringMatching(/Z$/) },
		]);
		const [event] = events;
		expect(event.metadata.type).toBe('VehicleStateRecorded');
		expect(event.metadata.flow_id).toBe(response.headers.get(FLOW_ID_HEADER));
		expect(event.data).toEqual({ vehicle_id: car.id, vehicle_state: response.body });

		const moped = findVehicle((vehicle) => isCommandable(vehicle, 'MOPED'));
		const topCase = await command(moped.id, 'unlock-top-case');
		expect(topCase.body.top_case_lock.value).toBe('UNLOCKED');
	});

	it('runs commands concurrently with the configured latency', async () => {
		sim.config.commandLatencyMs = 300;
		const cars = sim
			.vehicleIds()
			.map((id) => sim.getVehicle(id)!)
			.filter((vehicle) => isCommandable(vehicle, 'CAR'))
			.slice(0, 5);
		const started = Date.now();
		const responses = await Promise.all(cars.map((car) => command(car.id, 'draw-attention')));
		const elapsed = Date.now() - started;
		responses.forEach((response) => expect(response.status).toBe(200));
		expect(elapsed).toBeGreaterThanOrEqual(290);
		// One after the other would take 1,500 ms: anything clearly below proves they overlapped.
		expect(elapsed).toBeLessThan(1400);
	});
});

describe('parked vehicles (control endpoint)', () => {
	it('lists the vehicles of a type that stand still, are free and would carry out the command now', async () => {
		const parked = async (query: string) =>
			(await client.request('GET', `/__sim/parked-vehicles?${query}`)).body.items as string[];
		const ids = await parked('command=UNLOCK_AND_ENABLE_DRIVING&vehicle_type=CAR');
		expect(ids.length).toBeGreaterThan(0);
		const [car] = ids;

		// Each reason to refuse takes the car off the list, as a command would be refused.
		for (const [flags, state] of [
			[{ lifeStatus: 'OFFLINE' }, {}],
			[{ sharedWithPartner: true }, {}],
			[{ setupStatus: 'PENDING' }, {}],
			[{}, { ignition: 'ON' }],
		] as const) {
			sim.setVehicleFlags(car, flags);
			sim.setVehicleState(car, state);
			expect(await parked('command=unlock-and-enable-driving&vehicle_type=CAR')).not.toContain(car);
			sim.setVehicleFlags(car, {
				lifeStatus: 'ONLINE',
				sharedWithPartner: false,
				setupStatus: 'SUCCEEDED',
			});
			sim.setVehicleState(car, { ignition: 'OFF' });
		}
		expect(await parked('command=UNLOCK_AND_ENABLE_DRIVING&vehicle_type=CAR')).toContain(car);

		const response = await client.request(
			'POST',
			paths.vehicleCommand(car, 'unlock-and-enable-driving'),
			{
				token,
			},
		);
		expect(response.status).toBe(200);
		// A vehicle of another type, or one without the capability, is never listed.
		for (const id of await parked('command=UNLOCK_TOP_CASE')) {
			expect(sim.getVehicle(id)!.capabilities.commands).toContain('UNLOCK_TOP_CASE');
		}
		for (const id of await parked('vehicle_type=MOPED')) {
			expect(sim.getVehicle(id)!.master_data.vehicle_type).toBe('MOPED');
		}
	});
});

describe('rate limit', () => {
	it('counts per client, answers 429 with the headers, spares the token endpoint', async () => {
		// A window of decades: it cannot roll over during the test.
		sim.config.rateLimit = { limit: 3, windowMs: 1e12 };
		const remaining: string[] = [];
		for (let i = 0; i < 3; i++) {
			const response = await get(paths.vehicles + '?limit=1');
			expect(response.status).toBe(200);
			expect(response.headers.get(rateLimitHeaders.limit)).toBe('3');
			expect(response.headers.get(rateLimitHeaders.reset)).toMatch(/^\d+$/);
			remaining.push(response.headers.get(rateLimitHeaders.remaining)!);
		}
		expect(remaining).toEqual(['2', '1', '0']);
		const limited = await get(paths.vehicles);
		expectProblem(limited, 429, problemTypes.tooManyRequests);
		expect(Number(limited.headers.get(rateLimitHeaders.retryAfter))).toBeGreaterThanOrEqual(1);
		expect(limited.headers.get(rateLimitHeaders.retryAfter)).toMatch(/^\d+$/);
		expect(limited.headers.get(rateLimitHeaders.remaining)).toBe('0');
		expect(sim.stats.rateLimited).toBe(1);

		const other = await client.token('readonly#client', 'readonly-secret');
		expect((await get(paths.vehicles + '?limit=1', other)).status).toBe(200);
	});

	it('gives a Retry-After of whole seconds, at least 1, for short windows', async () => {
		sim.config.rateLimit = { limit: 1, windowMs: 200 };
		let limited: ApiResponse | undefined;
		for (let i = 0; i < 5 && !limited; i++) {
			const response = await get(paths.vehicles + '?limit=1');
			if (response.status === 429) limited = response;
		}
		expect(limited?.headers.get(rateLimitHeaders.retryAfter)).toBe('1');
	});
});

describe('faults', () => {
	const vehiclesPath = () => paths.vehicle(sim.vehicleIds()[0]);

	it('answers a status fault with problem JSON, once by default', async () => {
		sim.faults.add({ kind: 'status', status: 503, path: '^/vehicles' });
		expectProblem(await get(vehiclesPath()), 503, problemTypes.internalServerError);
		expect((await get(vehiclesPath())).status).toBe(200);
	});

	it('answers a status fault with the problem type and detail asked for', async () => {
		const type = problemTypes.sharedWithPartner;
		sim.faults.add({ kind: 'status', status: 409, problemType: type, detail: 'lent out' });
		expectProblem(await get(vehiclesPath()), 409, type, 'lent out');
		sim.faults.add({ kind: 'status', status: 418, problemType: '/problems/teapot' });
		expect((await get(vehiclesPath())).body).toMatchObject({
			type: '/problems/teapot',
			title: 'Error',
		});
	});

	it('answers an html fault with a gateway page', async () => {
		sim.faults.add({ kind: 'html' });
		const response = await get(vehiclesPath());
		expect(response.status).toBe(502);
		expect(response.headers.get('content-type')).toMatch(/^text\/html/);
		expect(response.text).toContain('502 Bad Gateway');
	});

	it('answers a redirect fault with a Location, by default the same path at INVERS', async () => {
		sim.faults.add({ kind: 'redirect' });
		const moved = await get(vehiclesPath());
		expect(moved.status).toBe(301);
		expect(moved.headers.get('location')).toBe(`https://api.invers.com${vehiclesPath()}`);
		sim.faults.add({ kind: 'redirect', status: 308, location: 'https://elsewhere.example/x' });
		const elsewhere = await get(vehiclesPath());
		expect(elsewhere.status).toBe(308);
		expect(elsewhere.headers.get('location')).toBe('https://elsewhere.example/x');
	});

	it('delays a slow request, then answers it normally', async () => {
		sim.faults.add({ kind: 'slow', delayMs: 200 });
		const started = Date.now();
		expect((await get(vehiclesPath())).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(190);
	});

	it('drops the connection', async () => {
		sim.faults.add({ kind: 'drop' });
		await expect(get(vehiclesPath())).rejects.toThrow();
		expect((await get(vehiclesPath())).status).toBe(200);
	});

	it('answers an injected 429 with Retry-After', async () => {
		sim.faults.add({ kind: 'rate-limit', retryAfterSeconds: 2 });
		const response = await get(vehiclesPath());
		expectProblem(response, 429, problemTypes.tooManyRequests);
		expect(response.headers.get(rateLimitHeaders.retryAfter)).toBe('2');
		expect(sim.stats.rateLimited).toBe(1);
	});

	it('executes a command before failing or dropping, when asked to', async () => {
		const car = findVehicle((vehicle) => isCommandable(vehicle, 'CAR'));
		sim.setVehicleState(car.id, { ignition: 'OFF' });
		const path = paths.vehicleCommand(car.id, 'lock-central-lock');
		sim.faults.add({ kind: 'status', status: 500, method: 'POST', executeBeforeFault: true });
		expectProblem(
			await client.request('POST', path, { token }),
			500,
			problemTypes.internalServerError,
		);
		sim.faults.add({ kind: 'drop', path: '/commands/', executeBeforeFault: true });
		await expect(client.request('POST', path, { token })).rejects.toThrow();
		expect(sim.stats.commandsReceived.map((received) => received.vehicleId)).toEqual([
			car.id,
			car.id,
		]);
		expect(sim.getVehicleState(car.id)!.central_lock.value).toBe('LOCKED');
	});

	it('matches method, path and times; leaves the token endpoint alone', async () => {
		sim.faults.add({ kind: 'status', status: 500, method: 'PATCH', times: 2 });
		sim.faults.add({ kind: 'status', status: 500, path: 'latest-vehicle-state$' });
		await client.token();
		expect((await get(vehiclesPath())).status).toBe(200);
		expect((await get(paths.latestVehicleState(sim.vehicleIds()[0]))).status).toBe(500);
		expect(sim.faults.list()).toEqual([expect.objectContaining({ method: 'PATCH', remaining: 2 })]);
	});

	it('lets the first matching requests pass when asked to skip them', async () => {
		sim.faults.add({ kind: 'status', status: 503, path: '^/vehicles/', skip: 2 });
		expect((await get(vehiclesPath())).status).toBe(200);
		expect((await get(vehiclesPath())).status).toBe(200);
		expect((await get(vehiclesPath())).status).toBe(503);
		expect((await get(vehiclesPath())).status).toBe(200);
		expect(() => sim.faults.add({ kind: 'drop', skip: -1 })).toThrow(
			'invalid fault rule: skip must be an integer >= 0',
		);
	});

	it('is controlled over HTTP too', async () => {
		const created = await client.request('POST', '/__sim/faults', {
			body: { kind: 'status', status: 500, times: 3 },
		});
		expect(created.status).toBe(201);
		const invalid = await client.request('POST', '/__sim/faults', { body: { kind: 'explode' } });
		expectProblem(invalid, 400, problemTypes.validationError, 'kind');
		expect((await client.request('DELETE', '/__sim/faults')).status).toBe(204);
		expect((await get(vehiclesPath())).status).toBe(200);

		const stats = await client.request('GET', '/__sim/stats');
		expect(stats.body).toMatchObject({ tokenRequests: 1, requests: { 'GET /vehicles/:id': 1 } });
		expect((await client.request('POST', '/__sim/reset')).status).toBe(204);
		expect(sim.stats.tokenRequests).toBe(0);
	});
});

describe('events', () => {
	it('emits telemetry as VehicleStateRecorded', () => {
		const id = sim.vehicleIds()[0];
		const envelope = sim.emitTelemetry(id);
		expect(envelope.metadata.type).toBe('VehicleStateRecorded');
		expect(envelope.data.vehicle_id).toBe(id);
		expect(events).toEqual([envelope]);
		expect(sim.emitTelemetry().metadata.type).toBe('VehicleStateRecorded');
	});
});

describe('fleet', () => {
	it('is deterministic per seed and has every kind of vehicle', async () => {
		const vehicles = sim.vehicleIds().map((id) => sim.getVehicle(id)!);
		const share = (test: (vehicle: Vehicle) => boolean) =>
			vehicles.filter(test).length / vehicles.length;
		expect(share((v) => v.master_data.vehicle_type === 'CAR')).toBeGreaterThan(0.55);
		expect(share((v) => v.master_data.vehicle_type === 'MOPED')).toBeGreaterThan(0.15);
		expect(share((v) => v.life_status.value === 'OFFLINE')).toBeGreaterThan(0.03);
		expect(share((v) => v.operation_status.value === 'GARAGE')).toBeGreaterThan(0);
		expect(share((v) => v.rental_status.value === 'IN_RENTAL')).toBeGreaterThan(0);
		expect(share((v) => v.master_data.fuel_type === 'ELECTRIC')).toBeGreaterThan(0);
		const states = sim.vehicleIds().map((id) => sim.getVehicleState(id)!);
		expect(states.some((s) => Number(s.state_of_charge_or_fuel_level_in_percent.value) < 15)).toBe(
			true,
		);
		expect(states.some((s) => Number(s.mileage_in_kilometers.value) > 150_000)).toBe(true);

		const twin = await startSimulator({ fleetSize: 250 });
		try {
			expect(twin.vehicleIds()).toEqual(sim.vehicleIds());
			expect(twin.getVehicle(vehicles[7].id)!.master_data).toEqual(vehicles[7].master_data);
		} finally {
			await twin.close();
		}
	});

	it('starts 20,000 vehicles and pages through all of them', async () => {
		const big = await startSimulator({ fleetSize: 20_000, seed: 7 });
		try {
			const bigClient = new TestClient(big.url);
			const bigToken = await bigClient.token();
			let count = 0;
			let pageToken: string | undefined;
			do {
				const query = `?limit=100${pageToken ? `&page_token=${pageToken}` : ''}`;
				const page = await bigClient.request('GET', paths.vehicles + query, { token: bigToken });
				count += page.body.items.length;
				pageToken = nextPageToken(page.body);
			} while (pageToken);
			expect(count).toBe(20_000);
		} finally {
			await big.close();
		}
	});
});
