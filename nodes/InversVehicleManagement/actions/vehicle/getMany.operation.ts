import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { knownValues, listQuery, pageSizes, paths } from '../../../shared/contract';
import { enumOptions, openEnumHint } from '../../../shared/descriptions/enumOptions';
import { forNodeAndTool, fromAi } from '../../../shared/descriptions/fromAi';
import { paginate } from '../../../shared/transport';
import { forOperations, simplifyVehicle, simplifyVehicleOption, timeoutOption } from './common';
import { hasFilters, matchesFilters, readFilters } from './vehicleFilters';

const show = forOperations('getMany');

/** What an AI agent is told about the search text it gives (see fromAi.ts). */
export const SEARCH_FOR_MODEL =
	"Text INVERS searches for in the licence plate, name and VIN of each vehicle, e.g. B-IV 123; an empty text lists every vehicle. The results carry each vehicle's INVERS ID (id).";

/** As an AI agent's tool, the model fills the search text: Get Many is how it finds a vehicle's ID. */
function searchParameter(): INodeProperties[] {
	const search: INodeProperties = {
		displayName: 'Search',
		name: 'search',
		type: 'string',
		default: '',
		placeholder: 'e.g. B-IV 12',
		description: 'Free text searched by INVERS in license plate, name and VIN',
	};
	const shown = forNodeAndTool(show);
	return [
		{ ...search, displayOptions: shown.node },
		{ ...search, displayOptions: shown.tool, default: fromAi('search', SEARCH_FOR_MODEL) },
	];
}

export const description: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		displayOptions: show,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { ...show.show, returnAll: [false] } },
		description: 'Max number of results to return',
	},
	...searchParameter(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		displayOptions: show,
		description: 'Applied to each page of vehicles as it arrives',
		options: [
			{
				displayName: 'Custom Field',
				name: 'customField',
				type: 'fixedCollection',
				default: {},
				description: 'Only vehicles with this custom field (and, if given, this value)',
				options: [
					{
						displayName: 'Field',
						name: 'field',
						values: [
							{ displayName: 'Name', name: 'name', type: 'string', default: '' },
							{
								displayName: 'Value',
								name: 'value',
								type: 'string',
								default: '',
								description: 'Leave empty to match any value',
							},
						],
					},
				],
			},
			{
				displayName: 'Life Status',
				name: 'lifeStatus',
				type: 'options',
				options: enumOptions(knownValues.lifeStatus),
				default: 'ONLINE',
				...openEnumHint('Only vehicles whose telematics unit is online or offline'),
			},
			{
				displayName: 'Operation Status',
				name: 'operationStatus',
				type: 'options',
				options: enumOptions(knownValues.operationStatus),
				default: 'OPERATING',
				...openEnumHint('Only vehicles in this operation status'),
			},
			{
				displayName: 'Rental Status',
				name: 'rentalStatus',
				type: 'options',
				options: enumOptions(knownValues.rentalStatus),
				default: 'NOT_IN_RENTAL',
				...openEnumHint('Only vehicles in this rental status'),
			},
			{
				displayName: 'Tag',
				name: 'tag',
				type: 'string',
				default: '',
				description: 'Only vehicles carrying this tag',
			},
			{
				displayName: 'Vehicle Type',
				name: 'vehicleType',
				type: 'options',
				options: enumOptions(knownValues.vehicleType),
				default: 'CAR',
				...openEnumHint('Only vehicles of this type'),
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Page Size',
				name: 'pageSize',
				type: 'number',
				typeOptions: { minValue: 1, numberPrecision: 0 },
				// A literal: n8n's linter reads defaults statically. pageSizes.first.
				default: 100,
				description: `Vehicles asked for per request. Only for a tenant whose largest page is known: without it the node starts at ${pageSizes.first} and, when INVERS refuses a page size, asks for fewer and keeps the size that worked.`,
			},
			simplifyVehicleOption,
			timeoutOption,
		],
	},
];

/** The Page Size option: undefined when not set (the node then finds a size INVERS accepts). */
function readPageSize(this: IExecuteFunctions, itemIndex: number): number | undefined {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const value = options.pageSize as unknown;
	if (value === undefined || value === null || value === '') return undefined;
	if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
		throw new NodeOperationError(
			this.getNode(),
			`The field "Page Size" holds "${String(value)}": it must be a whole number of at least 1`,
			{
				itemIndex,
				description: `How many vehicles to ask INVERS for per request. Remove the option to let the node choose: it starts at ${pageSizes.first} and asks for fewer when INVERS refuses a page size.`,
			},
		);
	}
	return value;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const search = (this.getNodeParameter('search', itemIndex, '') as string).trim();
	const filters = readFilters(this.getNodeParameter('filters', itemIndex, {}) as IDataObject);
	const simplify = this.getNodeParameter('options.simplify', itemIndex, false) as boolean;
	const filtering = hasFilters(filters);
	const pageSize = readPageSize.call(this, itemIndex);

	const results: IDataObject[] = [];
	const pages = paginate.call(this, {
		path: paths.vehicles,
		subject: 'the vehicle list',
		qs: search ? { [listQuery.search]: search } : {},
		pageSize,
		// Without client-side filters, no page asks for more vehicles than the limit still needs.
		maxItems: filtering || !Number.isFinite(limit) ? undefined : limit,
		itemIndex,
	});
	for await (const page of pages) {
		for (const vehicle of page.items) {
			if (filtering && !matchesFilters(vehicle, filters)) continue;
			const entry = simplify ? simplifyVehicle(vehicle) : vehicle;
			entry.flow_id = page.flowId ?? null;
			results.push(entry);
			if (results.length >= limit) return results;
		}
	}
	return results;
}
