/**
 * INVERS does not document its largest page. Get Many and the vehicle picker start with pages of
 * 1,000 (50 for the picker); a 400 that names `limit` makes them retry the same page smaller, and
 * the size that worked is kept per Base URL for every later execution and list search of the
 * process. These run through n8n-core's engine against simulators started with a page maximum.
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject } from 'n8n-workflow';

import { searchVehicles } from '../../nodes/shared/methods/searchVehicles';
import { forgetAcceptedPageSizes, readLimitRefusal } from '../../nodes/shared/transport/pageSize';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../simulator';
import { loadOptionsContext } from '../harness/loadOptions';
import { management } from '../harness/params';
import { simulatorCredentials } from '../harness/simulatorFixture';
import { runNode } from '../harness/workflowRunner';

const LIST = 'GET /vehicles';
const started: Simulator[] = [];

async function simulator(options: Partial<SimulatorOptions>): Promise<Simulator> {
	const sim = await startSimulator({ fleetSize: 45, ...options });
	started.push(sim);
	return sim;
}

afterEach(async () => {
	await Promise.all(started.splice(0).map((sim) => sim.close()));
	forgetAcceptedPageSizes();
	jest.restoreAllMocks();
});

function getMany(sim: Simulator, parameters: IDataObject = {}) {
	return runNode({
		node: 'inversVehicleManagement',
		parameters: management('getMany', parameters as never),
		credentials: simulatorCredentials(sim),
	});
}

/** The `limit`s the simulator was asked for since `before` (a copy of stats.listLimits). */
function limitsSince(sim: Simulator, before: Record<string, number> = {}): Record<string, number> {
	const result: Record<string, number> = {};
	for (const [limit, count] of Object.entries(sim.stats.listLimits)) {
		const delta = count - (before[limit] ?? 0);
		if (delta > 0) result[limit] = delta;
	}
	return result;
}

function pageSizeLogs(spy: jest.SpyInstance): string[] {
	return spy.mock.calls.map(([message]) => String(message)).filter((text) => /page/i.test(text));
}

describe('Get Many against an API whose largest page is 20', () => {
	test('Return All: the refused page is asked again smaller, then every page at the size that worked', async () => {
		const sim = await simulator({ pageMax: 20 });
		const { items, error } = await getMany(sim, { returnAll: true });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(sim.vehicleIds());
		// 1,000 refused; the problem named the maximum, so 20 at once: 45 vehicles in 3 pages.
		expect(limitsSince(sim)).toEqual({ '1000': 1, '20': 3 });
	});

	test('the size that worked is kept for the Base URL: later runs ask for it at once, logged once', async () => {
		const sim = await simulator({ pageMax: 20 });
		const info = jest.spyOn(Container.get(Logger), 'info');
		await getMany(sim, { returnAll: true });
		const before = { ...sim.stats.listLimits };
		const { items, error } = await getMany(sim, { returnAll: true });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(45);
		expect(limitsSince(sim, before)).toEqual({ '20': 3 });
		const logs = pageSizeLogs(info);
		expect(logs).toHaveLength(1);
		expect(logs[0]).toContain(sim.url);
		expect(logs[0]).toMatch(/\b1000\b/);
		expect(logs[0]).toMatch(/\b20\b/);
	});

	test('Return All with a filter and a search', async () => {
		const sim = await simulator({ pageMax: 20 });
		const mopeds = sim.vehicleIds().filter((id) => {
			return sim.getVehicle(id)!.master_data.vehicle_type === 'MOPED';
		});
		expect(mopeds.length).toBeGreaterThan(0);
		const filtered = await getMany(sim, { returnAll: true, filters: { vehicleType: 'MOPED' } });
		expect(filtered.error).toBeUndefined();
		expect(filtered.items.map((item) => item.json.id)).toEqual(mopeds);

		const plate = sim.getVehicle(mopeds[0])!.master_data.license_plate!;
		const searched = await getMany(sim, { returnAll: false, limit: 5, search: plate });
		expect(searched.error).toBeUndefined();
		expect(searched.items.map((item) => item.json.id)).toContain(mopeds[0]);
	});

	test('a Limit asks for no more than it still needs', async () => {
		const sim = await simulator({ pageMax: 20 });
		await getMany(sim, { returnAll: true });
		const before = { ...sim.stats.listLimits };
		const { items } = await getMany(sim, { returnAll: false, limit: 30 });
		expect(items).toHaveLength(30);
		expect(limitsSince(sim, before)).toEqual({ '20': 1, '10': 1 });
	});

	test('the vehicle picker adapts too, and Get Many then starts at what the picker learnt', async () => {
		const sim = await simulator({ pageMax: 20 });
		const context = loadOptionsContext(simulatorCredentials(sim));
		const first = await searchVehicles.call(context);
		expect(first.results).toHaveLength(20);
		const second = await searchVehicles.call(context, undefined, first.paginationToken);
		expect(second.results.map((entry) => entry.value)).toEqual(sim.vehicleIds().slice(20, 40));
		expect(limitsSince(sim)).toEqual({ '50': 1, '20': 2 });

		const before = { ...sim.stats.listLimits };
		await getMany(sim, { returnAll: true });
		expect(limitsSince(sim, before)).toEqual({ '20': 3 });
	});
});

describe('the Page Size option', () => {
	test('a size the tenant accepts is used for every page', async () => {
		const sim = await simulator({ pageMax: 20 });
		const { items, error } = await getMany(sim, { returnAll: true, options: { pageSize: 15 } });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(45);
		expect(limitsSince(sim)).toEqual({ '15': 3 });
	});

	test('a size the tenant refuses is an error that says so, without a retry', async () => {
		const sim = await simulator({ pageMax: 20 });
		const { error } = await getMany(sim, { returnAll: true, options: { pageSize: 25 } });
		expect(error?.message).toBe('INVERS refused the page size 25');
		expect(error?.description).toContain('"Page Size" option');
		expect(error?.description).toContain('limit');
		expect(error?.description).toMatch(/Flow ID: [0-9a-f-]{36}/);
		expect(limitsSince(sim)).toEqual({ '25': 1 });
	});

	test.each([
		['zero', 0],
		['a fraction', 2.5],
		['text', '={{ "many" }}'],
	])('%s: a clear error naming the field, nothing sent', async (_case, pageSize) => {
		const sim = await simulator({});
		const { error } = await getMany(sim, { returnAll: true, options: { pageSize } });
		expect(error?.message).toMatch(/^The field "Page Size" /);
		expect(error?.message).toContain('whole number of at least 1');
		expect(sim.stats.requests[LIST] ?? 0).toBe(0);
	});
});

describe('when INVERS names limit but no maximum', () => {
	const refuseLimit = (sim: Simulator, times: number) =>
		sim.faults.add({
			kind: 'status',
			status: 400,
			problemType: '/problems/validation-error',
			detail: 'Query parameter limit is invalid.',
			method: 'GET',
			path: '^/vehicles$',
			times,
		});

	test('the page size is halved until a page is accepted', async () => {
		const sim = await simulator({ pageMax: 100_000 });
		refuseLimit(sim, 2);
		const { items, error } = await getMany(sim, { returnAll: true });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(45);
		// The faults answer before the route counts the limit: 1,000 and 500 never reached it.
		expect(sim.stats.requests[LIST]).toBe(2 + 1);
		expect(limitsSince(sim)).toEqual({ '250': 1 });
	});

	test('down to a floor of 10, then an error that does not blame a field the user never set', async () => {
		const sim = await simulator({});
		refuseLimit(sim, 1e9);
		const { error } = await getMany(sim, { returnAll: true });
		expect(error?.message).toBe('INVERS refused every page size down to 10');
		expect(error?.description).toContain('1000, 500, 250, 125, 62, 31, 15, 10');
		expect(error?.description).toContain('"Page Size" option');
		expect(error?.description).not.toContain('correct the field');
		expect(sim.stats.requests[LIST]).toBe(8);
	});

	test('a 400 that names another parameter is not retried', async () => {
		const sim = await simulator({});
		sim.faults.add({
			kind: 'status',
			status: 400,
			problemType: '/problems/validation-error',
			detail: 'q: must be at most 100 characters',
			method: 'GET',
			path: '^/vehicles$',
		});
		const { error } = await getMany(sim, { returnAll: true });
		expect(error?.httpCode).toBe('400');
		expect(error?.description).toContain('q: must be at most 100 characters');
		expect(sim.stats.requests[LIST]).toBe(1);
	});
});

describe('reading a refused limit tolerantly', () => {
	const refusal = (body: unknown, status = 400) => readLimitRefusal({ status, body }, 100);

	test.each([
		['the detail', { detail: "limit: must be an integer from 1 to 20, got '100'" }, 20],
		['a JSON text', JSON.stringify({ detail: 'limit must not exceed 50' }), 50],
		[
			'invalid_params',
			{ title: 'Bad request', invalid_params: [{ name: 'limit', reason: 'maximum is 25' }] },
			25,
		],
		['errors by field', { errors: { limit: ['is too large'] } }, undefined],
		['a field list', { errors: [{ field: 'query.limit', message: 'max 30' }] }, 30],
		['a JSON pointer', { violations: [{ path: '/limit', maximum: 40 }] }, 40],
		['a quoted name', { message: 'Invalid value for "limit"' }, undefined],
	])('finds limit in %s', (_case, body, maxHint) => {
		expect(refusal(body)).toEqual({ maxHint });
	});

	test.each([
		['another status', { detail: 'limit: too large' }, 500],
		['another parameter', { detail: 'page_token: not a page token issued by this API' }, 400],
		['the rate limit', { detail: 'Rate limit exceeded' }, 400],
		['a word containing it', { detail: 'unlimited: not allowed' }, 400],
		['no body', undefined, 400],
	])('does not take %s for it', (_case, body, status) => {
		expect(refusal(body, status)).toBeUndefined();
	});

	test('a hint not below the size sent, or below 1, is no hint', () => {
		expect(readLimitRefusal({ status: 400, body: { detail: 'limit above 500' } }, 100)).toEqual({
			maxHint: undefined,
		});
		expect(
			readLimitRefusal({ status: 400, body: { detail: 'limit: from 0 to 0, got 100' } }, 100),
		).toEqual({ maxHint: undefined });
	});
});

describe('an API that answers fewer vehicles than asked, without saying so', () => {
	test('Return All still walks every page, to the last token', async () => {
		const sim = await simulator({ pageMax: 100_000, silentPageMax: 7 });
		const { items, error } = await getMany(sim, { returnAll: true });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(sim.vehicleIds());
		// 45 vehicles, 7 a page: 7 pages, each asking for 1,000 again.
		expect(limitsSince(sim)).toEqual({ '1000': 7 });
	});

	test('a Limit takes from each smaller page what it still needs', async () => {
		const sim = await simulator({ pageMax: 100_000, silentPageMax: 7 });
		const { items, error } = await getMany(sim, { returnAll: false, limit: 20 });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(sim.vehicleIds().slice(0, 20));
		expect(limitsSince(sim)).toEqual({ '20': 1, '13': 1, '6': 1 });
	});
});
