import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listQuery, paths, readItems, readNextPageToken } from '../contract';
import { oneApiRequest } from '../transport';
import { requestListPage } from '../transport/pageSize';

/** One page of the picker; smaller when INVERS refuses it (the size learnt is shared). */
const SEARCH_PAGE_SIZE = 50;

function vehicleLabel(vehicle: IDataObject): string {
	const masterData = (vehicle.master_data ?? {}) as IDataObject;
	const plate = masterData.license_plate as string | undefined;
	const name =
		(masterData.custom_name as string | undefined) ??
		[masterData.brand, masterData.model].filter(Boolean).join(' ');
	return [plate, name].filter(Boolean).join(' · ') || String(vehicle.id);
}

/**
 * Empty pages one list search reads past before it ends the list. n8n's editor asks for the
 * next page by itself while the list does not fill the dropdown: handing it empty pages with
 * new tokens would have it ask without end.
 */
const MAX_EMPTY_PAGES = 5;

/**
 * listSearch for the vehicle picker: server-side search, one page per call (reading past a few
 * empty pages). The list ends where INVERS hands back a token of this call again, or keeps
 * answering empty pages.
 */
export async function searchVehicles(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs: IDataObject = {};
	if (filter) qs[listQuery.search] = filter;
	const seen = new Set(paginationToken ? [paginationToken] : []);
	let token = paginationToken;
	let vehicles: IDataObject[] = [];
	for (let page = 1; page <= MAX_EMPTY_PAGES && vehicles.length === 0; page++) {
		const pageQuery: IDataObject = { ...qs };
		if (token) pageQuery[listQuery.pageToken] = token;
		const response = await requestListPage(this, { preferred: SEARCH_PAGE_SIZE }, async (limit) => {
			return await oneApiRequest.call(this, {
				method: 'GET',
				path: paths.vehicles,
				subject: 'the vehicle list',
				qs: { ...pageQuery, [listQuery.limit]: limit },
				expect: 'list',
			});
		});
		vehicles = readItems(response.body) as IDataObject[];
		const next = readNextPageToken(response.body);
		token = next === undefined || seen.has(next) ? undefined : next;
		if (token === undefined) break;
		seen.add(token);
	}
	return {
		results: vehicles.map((vehicle) => ({
			name: `${vehicleLabel(vehicle)} (${String(vehicle.id)})`,
			value: String(vehicle.id),
		})),
		// Still empty after MAX_EMPTY_PAGES: the list ends here.
		paginationToken: vehicles.length > 0 ? token : undefined,
	};
}
