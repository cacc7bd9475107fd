/**
 * A vehicle list that only looks complete is worse than an error: a fleet sweep would act on part
 * of the fleet. These run Get Many and the vehicle picker against a local API whose page tokens
 * misbehave: one handed out again, or empty pages with ever new tokens.
 */
import type { IDataObject } from 'n8n-workflow';

import { searchVehicles } from '../../nodes/shared/methods/searchVehicles';
import type { ListPagingError } from '../../nodes/shared/transport/pagingGuard';
import { PagingGuard } from '../../nodes/shared/transport/pagingGuard';
import { loadOptionsContext } from '../harness/loadOptions';
import { management } from '../harness/params';
import type { ScriptedApi, ScriptedRequest } from '../harness/scriptedApi';
import { useScriptedApi } from '../harness/scriptedApi';
import { runNode } from '../harness/workflowRunner';

const scriptedApi = useScriptedApi();
let api: ScriptedApi;
beforeEach(() => (api = scriptedApi()));

const vehicle = (id: string) => ({ id, master_data: { license_plate: `P-${id}` } });

/** Pages by the token they are asked with ('' for the first). */
function pagesByToken(pages: Record<string, { items: IDataObject[]; next?: string }>) {
	return (request: ScriptedRequest) => {
		const page = pages[request.query.get('page_token') ?? ''];
		if (!page) return { status: 400, body: { type: '/problems/validation-error', status: 400 } };
		return {
			headers: { 'X-INVERS-Flow-ID': `flow-${request.query.get('page_token') ?? 'first'}` },
			body: { items: page.items, next_page_token: page.next ?? null },
		};
	};
}

function getMany(parameters: IDataObject = { returnAll: true }) {
	return runNode({
		node: 'inversVehicleManagement',
		parameters: management('getMany', parameters as never),
		credentials: api.credentials(),
	});
}

describe('Get Many: a page token handed out again', () => {
	test('is an error naming the page, never the vehicles so far as the whole list', async () => {
		api.answer = pagesByToken({
			'': { items: [vehicle('A1'), vehicle('A2')], next: 'T1' },
			T1: { items: [vehicle('B1')], next: 'T2' },
			T2: { items: [vehicle('C1')], next: 'T1' },
		});
		const { items, error } = await getMany();
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'INVERS handed out a page token again: page 3 of the vehicle list points back to page 2',
		);
		expect(error?.description).toContain('4 vehicles were read on 3 pages');
		expect(error?.description).toContain('Flow ID of page 3: flow-T2');
		expect(api.requests).toHaveLength(3);
	});

	test('also when a page hands out the token it was asked with (a Limit not reached yet)', async () => {
		api.answer = pagesByToken({
			'': { items: [vehicle('A1')], next: 'T1' },
			T1: { items: [vehicle('B1')], next: 'T1' },
		});
		const { items, error } = await getMany({ returnAll: false, limit: 10 });
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'INVERS handed out a page token again: page 2 of the vehicle list points back to page 2',
		);
	});

	test('a Limit reached before the repeat ends the list as asked, without an error', async () => {
		api.answer = pagesByToken({
			'': { items: [vehicle('A1'), vehicle('A2')], next: 'T1' },
			T1: { items: [vehicle('B1')], next: 'T1' },
		});
		const { items, error } = await getMany({ returnAll: false, limit: 2 });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(['A1', 'A2']);
	});
});

describe('Get Many: empty pages without end', () => {
	test('stop after 100 empty pages in a row with an error that says so', async () => {
		// Ever new tokens, no vehicles; after 5,000 requests the list ends (so that code without
		// a bound finishes, with a list that only looks complete).
		let served = 0;
		api.answer = () => {
			served++;
			const first = served === 1;
			return {
				body: {
					items: first ? [vehicle('A1')] : [],
					next_page_token: served < 5000 ? `E${served}` : null,
				},
			};
		};
		const { items, error } = await getMany();
		expect(items).toEqual([]);
		expect(error?.message).toBe(
			'INVERS answered 100 empty pages in a row, each with a new page token: the vehicle list does not end',
		);
		expect(error?.description).toContain('1 vehicle was read on 101 pages');
		expect(api.requests).toHaveLength(101);
	}, 60_000);

	test('empty pages between full ones are read through', async () => {
		api.answer = pagesByToken({
			'': { items: [vehicle('A1')], next: 'T1' },
			T1: { items: [], next: 'T2' },
			T2: { items: [], next: 'T3' },
			T3: { items: [vehicle('D1')] },
		});
		const { items, error } = await getMany();
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(['A1', 'D1']);
	});
});

describe('the vehicle picker', () => {
	test('does not offer "more" when INVERS hands back the token it was asked with', async () => {
		api.answer = pagesByToken({
			'': { items: [vehicle('A1')], next: 'T1' },
			T1: { items: [vehicle('B1')], next: 'T1' },
		});
		const context = loadOptionsContext(api.credentials());
		const first = await searchVehicles.call(context);
		expect(first.paginationToken).toBe('T1');
		const second = await searchVehicles.call(context, undefined, 'T1');
		expect(second.results.map((result) => result.value)).toEqual(['B1']);
		// The editor asks for more by itself while the list does not fill the dropdown: a token
		// that leads back to the same page would load it again and again.
		expect(second.paginationToken).toBeUndefined();
	});

	test('reads past a few empty pages, then ends the list instead of offering empty pages forever', async () => {
		let served = 0;
		api.answer = (request) => {
			served++;
			return { body: { items: [], next_page_token: `E${served}-${request.query.get('limit')}` } };
		};
		const context = loadOptionsContext(api.credentials());
		const result = await searchVehicles.call(context);
		expect(result.results).toEqual([]);
		expect(result.paginationToken).toBeUndefined();
		expect(api.requests.length).toBeLessThanOrEqual(5);
	});

	test('finds the vehicles after an empty page', async () => {
		api.answer = pagesByToken({
			'': { items: [], next: 'T1' },
			T1: { items: [vehicle('B1')], next: 'T2' },
			T2: { items: [vehicle('C1')] },
		});
		const context = loadOptionsContext(api.credentials());
		const result = await searchVehicles.call(context);
		expect(result.results.map((entry) => entry.value)).toEqual(['B1']);
		expect(result.paginationToken).toBe('T2');
	});
});

describe('the bounds of one walk through a list', () => {
	test('a list handing out new tokens for more pages than any fleet needs stops, naming Page Size', () => {
		const guard = new PagingGuard('vehicle list', { maxEmptyPagesInARow: 100, maxPages: 5 });
		for (let page = 1; page < 5; page++) guard.pageRead(100, `T${page}`);
		let stopped: ListPagingError | undefined;
		try {
			guard.pageRead(100, 'T5');
		} catch (error) {
			stopped = error as ListPagingError;
		}
		expect(stopped?.message).toBe(
			'INVERS handed out page tokens for 5 pages: the vehicle list does not end',
		);
		expect(stopped?.description).toContain('set a larger "Page Size"');
		expect(stopped?.description).toContain('500 vehicles were read on 5 pages');
	});

	test('tokens are remembered as digests: a 1 MB token costs no more than a short one', () => {
		const guard = new PagingGuard('vehicle list');
		const long = 'x'.repeat(1_000_000);
		guard.pageRead(1, `${long}1`);
		const remembered = [...(guard as unknown as { pageOfToken: Map<string, number> }).pageOfToken];
		expect(remembered).toHaveLength(1);
		expect(remembered[0][0].length).toBeLessThan(100);
		expect(() => guard.pageRead(1, `${long}1`)).toThrow(
			/page 2 of the vehicle list points back to page 2/,
		);
	});
});
