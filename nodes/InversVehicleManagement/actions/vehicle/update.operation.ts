import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { NodeOperationError } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { buildVehiclePatch, knownValues, paths } from '../../../shared/contract';
import { enumOptions } from '../../../shared/descriptions/enumOptions';
import {
	customFieldsParameter,
	masterDataFields,
} from '../../../shared/descriptions/masterDataFields';
import { getVehicleId } from '../../../shared/descriptions/vehicleLocator';
import type { BatchWording } from '../../../shared/execution/batchReport';
import type { PreparedWrite } from '../../../shared/execution/runWrites';
import { readCustomFields, readMasterData } from '../../../shared/masterData';
import { oneApiRequest } from '../../../shared/transport';
import { invalidFieldError, splitList } from '../../../shared/validation';
import { forOperations, timeoutOption, vehicleParameter } from './common';

const show = forOperations('update');

function statusParameter(
	displayName: string,
	name: string,
	values: readonly string[],
): INodeProperties {
	return {
		displayName,
		name,
		type: 'options',
		options: [{ name: 'Keep Unchanged', value: '' }, ...enumOptions(values)],
		default: '',
		displayOptions: show,
		description: `The new ${displayName.toLowerCase()}. The list shows the values known today; INVERS may add more, which an expression can set.`,
	};
}

export const description: INodeProperties[] = [
	...vehicleParameter('update'),
	{
		displayName: 'Master Data',
		name: 'masterData',
		type: 'collection',
		placeholder: 'Add master data field',
		default: {},
		displayOptions: show,
		description: 'Fields of the master data to change; the others stay as they are',
		options: masterDataFields,
	},
	{ ...customFieldsParameter, displayOptions: show, description: 'Custom fields to set or change' },
	{
		displayName: 'Custom Fields to Remove',
		name: 'customFieldsToRemove',
		type: 'string',
		default: '',
		placeholder: 'e.g. maintenance_reason, old_station',
		displayOptions: show,
		description: 'Names of custom fields to delete, separated by commas',
	},
	{
		displayName: 'Tags',
		name: 'tagsMode',
		type: 'options',
		default: 'keep',
		displayOptions: show,
		options: [
			{ name: 'Keep Unchanged', value: 'keep' },
			{ name: 'Add', value: 'add', description: 'Add the tags below to those the vehicle has' },
			{ name: 'Remove', value: 'remove', description: 'Remove the tags below from the vehicle' },
			{ name: 'Replace', value: 'replace', description: 'The vehicle gets exactly the tags below' },
		],
	},
	{
		displayName: 'Tag Names',
		name: 'tags',
		type: 'string',
		default: '',
		placeholder: 'e.g. airport, ev',
		displayOptions: { show: { ...show.show, tagsMode: ['add', 'remove', 'replace'] } },
		description: 'Tags separated by commas',
	},
	statusParameter('Operation Status', 'operationStatus', knownValues.operationStatus),
	statusParameter('Rental Status', 'rentalStatus', knownValues.rentalStatus),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Only If Unchanged Since (ETag)',
				name: 'ifMatch',
				type: 'string',
				default: '',
				placeholder: '={{ $json.etag }}',
				description:
					"The ETag from an earlier Get: the update is refused (412) if the vehicle changed since then, so no one else's change is overwritten",
			},
			timeoutOption,
		],
	},
];

function applyTags(current: unknown, mode: string, tags: string[]): string[] {
	const existing = Array.isArray(current) ? current.map(String) : [];
	if (mode === 'add') return [...new Set([...existing, ...tags])];
	return existing.filter((tag) => !tags.includes(tag));
}

function isResourceModified(error: unknown): boolean {
	return error instanceof NodeApiError && error.httpCode === '412';
}

/**
 * Printable ASCII: what an ETag is made of (RFC 9110), and what a header carries as it is. The
 * request library drops or changes other characters (a line break, typographic quotes pasted
 * from a document): the update would go out with an ETag the user never gave.
 */
const ETAG_PATTERN = /^[\x20-\x7e]*$/;

function readIfMatch(this: IExecuteFunctions, itemIndex: number): string {
	const value = String(this.getNodeParameter('options.ifMatch', itemIndex, '') ?? '').trim();
	if (!ETAG_PATTERN.test(value)) {
		throw invalidFieldError(
			this,
			itemIndex,
			`The field "Only If Unchanged Since (ETag)" holds ${JSON.stringify(value)}, which is not an ETag: it has characters an HTTP header cannot carry`,
			{
				field: 'Only If Unchanged Since (ETag)',
				value,
				allowed:
					'The ETag as a Get returned it (its "etag" field, e.g. "5AGB9-1"): printable ASCII characters only, no line breaks or typographic quotes.',
				parameter: 'options.ifMatch',
			},
		);
	}
	return value;
}

export const wording: BatchWording = {
	done: 'updated',
	whenUncertain:
		'Get those vehicles (Vehicle Management → Get) to see whether the change is there before updating them again.',
};

/** Reads and checks one item's update; the PATCH goes out only once every item passed. */
export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<PreparedWrite> {
	const vehicleId = getVehicleId.call(this, itemIndex);
	const masterData = readMasterData.call(
		this,
		this.getNodeParameter('masterData', itemIndex, {}) as IDataObject,
		itemIndex,
	);
	const customFields = readCustomFields.call(
		this,
		this.getNodeParameter('customFields', itemIndex, {}) as IDataObject,
		splitList(this.getNodeParameter('customFieldsToRemove', itemIndex, '')),
		itemIndex,
	);
	const tagsMode = this.getNodeParameter('tagsMode', itemIndex, 'keep') as string;
	const tags = tagsMode === 'keep' ? [] : splitList(this.getNodeParameter('tags', itemIndex, ''));
	const operationStatus = this.getNodeParameter('operationStatus', itemIndex, '') as string;
	const rentalStatus = this.getNodeParameter('rentalStatus', itemIndex, '') as string;
	const userIfMatch = readIfMatch.call(this, itemIndex);
	// Built with the item's checks, before the first request of the node.
	const path = paths.vehicle(vehicleId);
	const readsCurrentTags = tagsMode === 'add' || tagsMode === 'remove';

	const patchFor = (newTags: string[] | undefined): IDataObject =>
		buildVehiclePatch({
			masterData,
			customFields,
			tags: newTags,
			operationStatus: operationStatus || undefined,
			rentalStatus: rentalStatus || undefined,
		}) as IDataObject;
	if (Object.keys(patchFor(tagsMode === 'keep' ? undefined : tags)).length === 0) {
		throw invalidFieldError(
			this,
			itemIndex,
			'Nothing to update: set at least one of Master Data, Custom Fields, Custom Fields to Remove, Tags, Operation Status or Rental Status',
			{
				field: 'Master Data, Custom Fields, Tags, Operation Status, Rental Status',
				allowed: 'At least one change.',
			},
		);
	}

	const patchOnce = async () => {
		let ifMatch = userIfMatch;
		let newTags: string[] | undefined = tagsMode === 'replace' ? tags : undefined;
		if (readsCurrentTags) {
			// Adding or removing tags needs the current ones; the ETag of that read makes sure
			// nobody changed the tags between this read and the update.
			const current = await oneApiRequest.call(this, {
				method: 'GET',
				path,
				subject: `vehicle ${vehicleId}`,
				itemIndex,
			});
			newTags = applyTags((current.body as IDataObject).tags, tagsMode, tags);
			ifMatch = userIfMatch || current.etag || '';
		}
		return await oneApiRequest.call(this, {
			method: 'PATCH',
			path,
			body: patchFor(newTags),
			headers: ifMatch ? { 'If-Match': ifMatch } : {},
			subject: `vehicle ${vehicleId}`,
			// An update sets absolute values, so sending it twice leaves the same vehicle.
			idempotent: true,
			itemIndex,
		});
	};

	const send = async (): Promise<IDataObject> => {
		let response;
		try {
			response = await patchOnce();
		} catch (error) {
			// Someone changed the vehicle between our own read and the update: read again, once.
			if (!(readsCurrentTags && !userIfMatch && isResourceModified(error))) {
				throw error as NodeApiError | NodeOperationError;
			}
			response = await patchOnce();
		}
		return {
			...(response.body as IDataObject),
			etag: response.etag ?? null,
			flow_id: response.flowId ?? null,
		};
	};
	return {
		subject: { vehicle_id: vehicleId },
		label: `vehicle ${vehicleId}`,
		target: vehicleId,
		send,
	};
}
