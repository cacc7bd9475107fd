import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { problemTypes } from '../../nodes/shared/contract';
import { searchVehicles } from '../../nodes/shared/methods/searchVehicles';
import { retryDelayMs } from '../../nodes/shared/transport/rateLimit';
import type { FaultRule } from '../../simulator';
import { loadOptionsContext } from '../harness/loadOptions';
import { management, vehicleById } from '../harness/params';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { runNode } from '../harness/workflowRunner';
import { COMMAND_ROUTE, requestsTo, sendCommandParameters } from './commandsTestKit';

const sim = useSimulator({ fleetSize: 30 });
beforeEach(() => sim().faults.clear());

const PROXY_PAGE = '<!DOCTYPE html><html><body><h1>Please log in to the proxy</h1></body></html>';

function run(node: string, parameters: IDataObject) {
	return runNode({
		node,
		parameters: parameters as INodeParameters,
		credentials: simulatorCredentials(sim()),
		// The commands here are version 1's Send Command (sendCommandParameters).
		typeVersion: node === 'inversVehicleCommands' ? 1 : undefined,
	});
}

/** 2xx answers that are not what an operation reads. */
const ODD_ANSWERS: Array<[string, Partial<FaultRule>, RegExp]> = [
	[
		'an HTML page',
		{ status: 200, body: PROXY_PAGE, contentType: 'text/html' },
		/INVERS answered HTTP 200 \(text\/html\) with a web page instead of /,
	],
	[
		'an empty body',
		{ status: 200, body: '', contentType: 'application/json' },
		/INVERS answered HTTP 200 \(application\/json\) with an empty body instead of /,
	],
	[
		'a JSON string',
		{ status: 200, body: '"ok"', contentType: 'application/json' },
		/INVERS answered HTTP 200 \(application\/json\) with text instead of /,
	],
	[
		'plain text without a content type',
		{ status: 200, body: 'OK' },
		/INVERS answered HTTP 200 \(no content type\) with text instead of /,
	],
];

describe('a 2xx whose body is not what the operation reads is a clear error, never output', () => {
	test.each(ODD_ANSWERS)('Get, answered with %s', async (_, fault, message) => {
		sim().faults.add({ kind: 'body', method: 'GET', path: '^/vehicles/', ...fault });
		const { error, items } = await run(
			'inversVehicleManagement',
			management('get', { vehicle: vehicleById(sim().vehicleIds()[0]) }),
		);
		expect(items).toEqual([]);
		expect(error?.message).toMatch(new RegExp(`^Reading vehicle \\S+ failed \\(${message.source}`));
		expect(error?.message).toContain('instead of the JSON object it sends');
		expect(error?.description).toMatch(/^GET \/vehicles\/\S+: nothing of this answer was used/);
		expect(error?.description).toContain('Base URL');
	});

	test.each([
		...ODD_ANSWERS,
		[
			'a JSON object without items',
			{ status: 200, body: '{"vehicles":[]}', contentType: 'application/json' },
			/with a JSON object without "items" instead of a list of items\)/,
		] as [string, Partial<FaultRule>, RegExp],
	])('Get Many, a page answered with %s (not an empty list)', async (_, fault, message) => {
		sim().faults.add({ kind: 'body', method: 'GET', path: '^/vehicles$', ...fault });
		const { error, items } = await run(
			'inversVehicleManagement',
			management('getMany', { returnAll: true }),
		);
		expect(items).toEqual([]);
		expect(error?.message).toMatch(message);
	});

	test('Get Latest State, Get Capabilities and Update, answered with a web page', async () => {
		const id = sim().vehicleIds()[1];
		sim().faults.add({ kind: 'html', status: 200, path: '^/vehicles/', times: 3 });
		for (const parameters of [
			management('getLatestState', { vehicle: vehicleById(id) }),
			management('getCapabilities', { vehicle: vehicleById(id) }),
			management('update', { vehicle: vehicleById(id), masterData: { custom_name: 'x' } }),
		]) {
			const { error, items } = await run('inversVehicleManagement', parameters);
			expect(items).toEqual([]);
			expect(error?.message).toMatch(
				/answered HTTP 200 \(text\/html; charset=utf-8\) with a web page/,
			);
		}
	});

	test('a command answered with a web page: an error saying it has probably been carried out', async () => {
		const id = sim().vehicleIds()[2];
		sim().faults.add({
			kind: 'html',
			status: 200,
			path: '/commands/',
			executeBeforeFault: true,
		});
		const before = requestsTo(sim(), COMMAND_ROUTE);
		const { error, items } = await run(
			'inversVehicleCommands',
			sendCommandParameters(id, 'LOCK_CENTRAL_LOCK') as IDataObject,
		);
		expect(items).toEqual([]);
		expect(error?.message).toMatch(
			new RegExp(
				`^Command LOCK_CENTRAL_LOCK to vehicle ${id} was accepted and has probably taken effect, but its answer is unreadable \\(INVERS answered HTTP 200 .* with a web page instead of .*\\): check the vehicle's latest state before sending it again\\.$`,
			),
		);
		expect(error?.description).toContain(
			'The command was accepted (HTTP 200), so it has probably been carried out: check the latest vehicle state before sending it again.',
		);
		// Not sent again.
		expect(requestsTo(sim(), COMMAND_ROUTE) - before).toBe(1);
	});

	test('Add answered 201 with an empty body: an error saying the vehicle may have been added', async () => {
		sim().faults.add({ kind: 'body', method: 'POST', path: '^/vehicles$', status: 201 });
		const { error, items } = await run('inversVehicleLifecycle', {
			resource: 'vehicle',
			operation: 'add',
			telematicsBrand: 'NIU',
			telematicsUnitId: 'NIU-20001',
			vehicleModelId: '01HQNGRMFD70AH9ZTK3YJK33TN',
			unitCredentials: 'password',
			unitPassword: 'unit-secret',
		});
		expect(items).toEqual([]);
		expect(error?.message).toMatch(
			/^Adding telematics unit NIU-20001 \(NIU\) .* was accepted and has probably taken effect, .*\(INVERS answered HTTP 201 \(no content type\) with an empty body .*\): look the vehicle up/,
		);
		expect(error?.description).toContain('may have taken effect: look the vehicle up');
	});

	test('Remove: 204 stays fine, a web page with 200 is an error', async () => {
		const [first, second] = sim().vehicleIds().slice(-2);
		const remove = (id: string) =>
			run('inversVehicleLifecycle', {
				resource: 'vehicle',
				operation: 'remove',
				vehicle: vehicleById(id),
			});
		const removed = await remove(first);
		expect(removed.error).toBeUndefined();
		expect(removed.items[0].json).toMatchObject({ vehicle_id: first, removed: true });
		sim().faults.add({ kind: 'html', status: 200, method: 'DELETE' });
		const failed = await remove(second);
		expect(failed.items).toEqual([]);
		expect(failed.error?.message).toMatch(
			new RegExp(
				`^Removing vehicle ${second} was accepted .*answered HTTP 200 .* with a web page.*: check whether the vehicle is still in the fleet`,
			),
		);
	});

	test('Get Available Vehicle Models, the model dropdown and the vehicle search', async () => {
		sim().faults.add({ kind: 'html', status: 200, path: 'available-vehicle-models', times: 2 });
		const { error, items } = await run('inversVehicleLifecycle', {
			resource: 'vehicleModel',
			operation: 'getMany',
			telematicsBrand: 'NIU',
		});
		expect(items).toEqual([]);
		expect(error?.message).toMatch(/with a web page instead of a list of items/);
		const { fetchVehicleModels } = await import(
			'../../nodes/InversVehicleLifecycle/helpers/vehicleModels'
		);
		const modelsContext = loadOptionsContext(simulatorCredentials(sim()), 'inversVehicleLifecycle');
		await expect(fetchVehicleModels.call(modelsContext, 'NIU')).rejects.toThrow(
			/with a web page instead of a list of items/,
		);

		sim().faults.add({ kind: 'body', method: 'GET', path: '^/vehicles$', body: '' });
		await expect(
			searchVehicles.call(loadOptionsContext(simulatorCredentials(sim()))),
		).rejects.toThrow(/with an empty body instead of a list of items/);
	});
});

describe('429 answers', () => {
	test('Retry-After: 0 still waits at least a second', async () => {
		sim().faults.add({ kind: 'rate-limit', retryAfterSeconds: 0 });
		const before = requestsTo(sim(), 'GET /vehicles/:id');
		const started = Date.now();
		const { error } = await run(
			'inversVehicleManagement',
			management('get', { vehicle: vehicleById(sim().vehicleIds()[0]) }),
		);
		expect(error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
		expect(requestsTo(sim(), 'GET /vehicles/:id') - before).toBe(2);
	});

	test('a request gives up after 10 retries of 429, whatever they ask to wait', async () => {
		sim().faults.add({ kind: 'rate-limit', retryAfterSeconds: 0, times: 1e9 });
		const before = requestsTo(sim(), 'GET /vehicles/:id');
		const started = Date.now();
		const { error } = await run(
			'inversVehicleManagement',
			management('get', { vehicle: vehicleById(sim().vehicleIds()[0]) }),
		);
		const elapsed = Date.now() - started;
		expect(error?.message).toBe('The INVERS OneAPI rate limit stayed exceeded');
		expect(error?.description).toMatch(/^Got 11 "too many requests" answers and waited 1\d s/);
		expect(requestsTo(sim(), 'GET /vehicles/:id') - before).toBe(11);
		expect(elapsed).toBeGreaterThanOrEqual(9_500);
	}, 30_000);

	test('a reset already past by this clock (skew) waits at least a second', () => {
		const now = Date.parse('2026-01-01T12:00:00Z');
		expect(retryDelayMs({ 'x-rate-limit-reset': String(now / 1000 - 30) }, now)).toBe(1000);
		expect(retryDelayMs({ 'retry-after': 'Thu, 01 Jan 2026 11:59:00 GMT' }, now)).toBe(1000);
		expect(retryDelayMs({ 'retry-after': '-5' }, now)).toBe(1000);
		expect(retryDelayMs({ 'retry-after': '3' }, now)).toBe(3000);
	});
});

describe('problem details', () => {
	test('a long detail is cut at about 1,000 characters, and says so', async () => {
		const detail = `${'x'.repeat(999)}y${'z'.repeat(4000)}`;
		sim().faults.add({
			kind: 'status',
			status: 400,
			problemType: problemTypes.validationError,
			detail,
		});
		const { error } = await run(
			'inversVehicleManagement',
			management('get', { vehicle: vehicleById(sim().vehicleIds()[0]) }),
		);
		expect(error?.description).toContain(`${'x'.repeat(999)}y… [cut: 4000 more characters]`);
		expect(error?.description).not.toContain('z');
		expect(error?.description!.length).toBeLessThan(1400);
	});
});

describe('not found names what was asked for', () => {
	test.each([
		['get', {}],
		['getLatestState', {}],
		['getTelematicsUnit', {}],
		['update', { masterData: { custom_name: 'x' } }],
	])('%s of an unknown vehicle', async (operation, extra) => {
		const { error } = await run(
			'inversVehicleManagement',
			management(operation, { vehicle: vehicleById('GONE42'), ...extra }),
		);
		expect(error?.message).toBe(
			`Vehicle GONE42 was not found in this fleet${operation === 'update' ? ', so nothing changed' : ''} (INVERS answered 404): check the vehicle ID (a short code such as JQ7RP; a licence plate, VIN or name is not an ID); a removed vehicle stays archived for 90 days and is not found.`,
		);
		expect(error?.httpCode).toBe('404');
	});

	test('a command to an unknown vehicle', async () => {
		const { error } = await run(
			'inversVehicleCommands',
			sendCommandParameters('GONE43', 'LOCK_CENTRAL_LOCK') as IDataObject,
		);
		expect(error?.message).toMatch(
			/^Vehicle GONE43 was not found in this fleet, so command LOCK_CENTRAL_LOCK was not carried out \(INVERS answered 404\): check the vehicle ID/,
		);
	});

	test('Remove of an unknown vehicle', async () => {
		const { error } = await run('inversVehicleLifecycle', {
			resource: 'vehicle',
			operation: 'remove',
			vehicle: vehicleById('GONE44'),
		});
		expect(error?.message).toMatch(
			/^Vehicle GONE44 was not found in this fleet, so nothing changed \(INVERS answered 404\): check the vehicle ID/,
		);
	});

	test('Add with an unknown telematics unit names the unit', async () => {
		const { error } = await run('inversVehicleLifecycle', {
			resource: 'vehicle',
			operation: 'add',
			telematicsBrand: 'NIU',
			telematicsUnitId: 'NIU-99999',
			vehicleModelId: '01HQNGRMFD70AH9ZTK3YJK33TN',
			unitCredentials: 'password',
			unitPassword: 'unit-secret',
		});
		expect(error?.message).toMatch(
			/^Adding telematics unit NIU-99999 \(NIU\) with vehicle model \S+ was refused; nothing changed \(INVERS answered 400: telematics_unit_id: .*\): check the telematics unit ID/,
		);
	});
});

describe('Get Many custom field filter', () => {
	const filtered = (name: string, value: string) =>
		run(
			'inversVehicleManagement',
			management('getMany', {
				returnAll: true,
				filters: { customField: { field: { name, value } } },
			}),
		);

	test('an empty value matches every vehicle that has the field, whatever its value', async () => {
		const ids = sim().vehicleIds();
		// Two vehicles lose the field, so "has the field" is not "every vehicle".
		for (const id of ids.slice(0, 2)) {
			const { error } = await run(
				'inversVehicleManagement',
				management('update', { vehicle: vehicleById(id), customFieldsToRemove: 'station' }),
			);
			expect(error).toBeUndefined();
		}
		const expected = ids.filter((id) =>
			Object.prototype.hasOwnProperty.call(sim().getVehicle(id)!.custom_fields, 'station'),
		);
		expect(expected).toHaveLength(ids.length - 2);
		const { items, error } = await filtered('station', '');
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(expected);
		const blank = await filtered('station', '  ');
		expect(blank.items).toHaveLength(expected.length);
	});

	test.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
		'"%s" is only a field when a vehicle has it: it matches nothing here',
		async (name) => {
			// Any value, and the value every object inherits under that name.
			const inherited = String((Object.prototype as unknown as Record<string, unknown>)[name]);
			for (const value of ['', inherited]) {
				const { items, error } = await filtered(name, value);
				expect(error).toBeUndefined();
				expect(items).toEqual([]);
			}
		},
	);
});
