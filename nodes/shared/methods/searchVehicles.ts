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

/** listSearch for the vehicle picker: server-side search, one page per call. */
export async function searchVehicles(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const qs: IDataObject = {};
	if (filter) qs[listQuery.search] = filter;
	if (paginationToken) qs[listQuery.pageToken] = paginationToken;
	const response = await requestListPage(this, { preferred: SEARCH_PAGE_SIZE }, async (limit) => {
		const pageQuery = { ...qs, [listQuery.limit]: limit };
		return await oneApiRequest.call(this, {
			method: 'GET',
			path: paths.vehicles,
			subject: 'the vehicle list',
			qs: pageQuery,
			expect: 'list',
		});
	});
	const vehicles = readItems(response.body) as IDataObject[];
	return {
		results: vehicles.map((vehicle) => ({
			name: `${vehicleLabel(vehicle)} (${String(vehicle.id)})`,
			value: String(vehicle.id),
		})),
		paginationToken: readNextPageToken(response.body),
	};
}
