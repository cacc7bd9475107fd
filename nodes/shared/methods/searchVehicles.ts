import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listQuery, paths, readItems, readNextPageToken } from '../contract';
import { oneApiRequest } from '../transport';

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
	const qs: IDataObject = { [listQuery.limit]: SEARCH_PAGE_SIZE };
	if (filter) qs[listQuery.search] = filter;
	if (paginationToken) qs[listQuery.pageToken] = paginationToken;
	const response = await oneApiRequest.call(this, {
		method: 'GET',
		path: paths.vehicles,
		qs,
		expect: 'list',
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
