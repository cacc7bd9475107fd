import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { MASTER_DATA_FIELDS } from './contract';
import { invalidFieldError, validateMasterData } from './validation';

/** The master data the user set (empty strings mean "not set"), validated before sending. */
export function readMasterData(
	this: IExecuteFunctions,
	raw: IDataObject,
	itemIndex: number,
): IDataObject {
	const masterData: IDataObject = {};
	for (const field of MASTER_DATA_FIELDS) {
		const value = raw[field];
		if (value === undefined || value === null || value === '') continue;
		masterData[field] = typeof value === 'string' ? value.trim() : String(value);
	}
	validateMasterData.call(this, masterData, itemIndex);
	return masterData;
}

/** Custom fields from the name/value pairs; `remove` names become null (deleted by INVERS). */
export function readCustomFields(
	this: IExecuteFunctions,
	raw: IDataObject,
	remove: string[],
	itemIndex: number,
): IDataObject {
	const fields: IDataObject = {};
	const pairs = ((raw.field ?? []) as IDataObject[]).filter(Boolean);
	for (const pair of pairs) {
		const name = String(pair.name ?? '').trim();
		if (name === '') {
			throw invalidFieldError(
				this,
				itemIndex,
				'A custom field in "Custom Fields" has no name: give every field a name or remove it',
				{
					field: 'Custom Fields → Name',
					value: pair.name ?? '',
					allowed: 'Every custom field needs a name; remove the entries you do not need.',
					parameter: 'customFields',
				},
			);
		}
		fields[name] = pair.value === undefined ? '' : (pair.value as IDataObject[string]);
	}
	for (const name of remove) fields[name] = null;
	return fields;
}
