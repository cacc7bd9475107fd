import type { IDataObject, IExecuteFunctions, NodeApiError } from 'n8n-workflow';

import type { AddVehicleRequest } from '../../../shared/contract';
import { paths, unitNeedsCredentials } from '../../../shared/contract';
import type { BatchWording } from '../../../shared/execution/batchReport';
import type { PreparedWrite } from '../../../shared/execution/runWrites';
import { readCustomFields, readMasterData } from '../../../shared/masterData';
import { oneApiRequest } from '../../../shared/transport';
import { mayHaveHadEffect } from '../../../shared/transport/requestOutcome';
import { invalidFieldError, splitList } from '../../../shared/validation';
import { addDescription } from './add.description';

export const description = addDescription;

/** How to find out whether an Add whose answer was lost went through. */
function howToCheck(body: AddVehicleRequest): string {
	const master = body.master_data ?? {};
	const searchable = master.license_plate ?? master.vin;
	const search =
		typeof searchable === 'string'
			? `INVERS Vehicle Management → Get Many with Search "${searchable}"`
			: 'INVERS Vehicle Management → Get Many (Return All)';
	return `Before adding it again, look for a vehicle whose telematics unit is ${body.telematics_unit_id} (${body.telematics_brand}): in FleetControl's vehicle list, or with ${search} and its telematics_unit.id. If it is there, it was added (its setup may still be running); add it only if it is not.`;
}

export const wording: BatchWording = {
	done: 'added',
	whenUncertain:
		"Look for those telematics units in FleetControl's vehicle list (or with Vehicle Management → Get Many) before adding them again.",
};

function requiredText(
	this: IExecuteFunctions,
	name: string,
	displayName: string,
	itemIndex: number,
): string {
	const value = String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (value === '') {
		throw invalidFieldError(this, itemIndex, `The field "${displayName}" is empty`, {
			field: displayName,
			value,
			allowed: 'Adding a vehicle needs its telematics brand, telematics unit ID and vehicle model.',
			parameter: name,
		});
	}
	return value;
}

const CREDENTIAL_FIELDS = {
	credentialsId: { displayName: 'OEM Credentials ID', wire: 'credentials_id' },
	unitPassword: { displayName: 'Unit Password', wire: 'password' },
} as const;
type CredentialParameter = keyof typeof CREDENTIAL_FIELDS;

/** The credential fields that hold a value, by parameter name. */
function filledCredentials(
	this: IExecuteFunctions,
	itemIndex: number,
): Map<CredentialParameter, string> {
	const filled = new Map<CredentialParameter, string>();
	for (const name of Object.keys(CREDENTIAL_FIELDS) as CredentialParameter[]) {
		const raw = String(this.getNodeParameter(name, itemIndex, '') ?? '');
		// A password is sent as typed; an ID loses surrounding blanks.
		const value = name === 'credentialsId' ? raw.trim() : raw;
		if (value.trim() !== '') filled.set(name, value);
	}
	return filled;
}

const fieldList = (names: CredentialParameter[]) =>
	names.map((name) => `"${CREDENTIAL_FIELDS[name].displayName}"`).join(' and ');

/**
 * Version 1: no selector, the one field filled in is sent. Both or neither filled is refused
 * before sending, naming both fields.
 */
function readVersion1Credentials(
	this: IExecuteFunctions,
	brand: string,
	itemIndex: number,
	filled: Map<CredentialParameter, string>,
): CredentialParameter {
	if (filled.size === 1) return [...filled.keys()][0];
	const both = fieldList(Object.keys(CREDENTIAL_FIELDS) as CredentialParameter[]);
	throw invalidFieldError(
		this,
		itemIndex,
		filled.size === 0
			? `Neither "OEM Credentials ID" nor "Unit Password" is set: a ${brand} unit needs exactly one of them`
			: `Both "OEM Credentials ID" and "Unit Password" are set: fill in only one of them`,
		{
			field: 'OEM Credentials ID / Unit Password',
			allowed: `INVERS reaches a unit of another maker than CloudBoxx either through OEM credentials stored in FleetControl (their ID) or through the password of its telematics unit, never both: fill in exactly one of ${both}.`,
			parameter: filled.size === 0 ? 'credentialsId' : 'unitPassword',
		},
	);
}

/**
 * Version 2: the "Unit Credentials" selector says which field is sent; the other is hidden in the
 * editor (n8n drops a hidden parameter's value), so only the chosen one is read.
 */
function readVersion2Credentials(
	this: IExecuteFunctions,
	brand: string,
	itemIndex: number,
	filled: Map<CredentialParameter, string>,
): CredentialParameter {
	const chosen: CredentialParameter =
		this.getNodeParameter('unitCredentials', itemIndex, 'credentialsId') === 'password'
			? 'unitPassword'
			: 'credentialsId';
	if (filled.has(chosen)) return chosen;
	const field = CREDENTIAL_FIELDS[chosen];
	throw invalidFieldError(
		this,
		itemIndex,
		`The field "${field.displayName}" is empty: a ${brand} unit needs OEM credentials or its unit password`,
		{
			field: field.displayName,
			value: '',
			allowed: `Units of makers other than CloudBoxx reach INVERS through OEM credentials stored in FleetControl (their ID) or the password of the unit: fill in "${field.displayName}", or choose the other one under "Unit Credentials".`,
			parameter: chosen,
		},
	);
}

/**
 * How INVERS reaches the unit [doc]: a CloudBoxx needs nothing (INVERS links purchased boxes to the
 * fleet itself), a unit of another maker exactly one of stored OEM credentials and its password.
 * The editor offers the credentials for OEM brands only; a brand set by expression is checked
 * here, per item, before anything is sent.
 */
function readUnitCredentials(
	this: IExecuteFunctions,
	brand: string,
	itemIndex: number,
): Pick<AddVehicleRequest, 'credentials_id' | 'password'> {
	const filled = filledCredentials.call(this, itemIndex);
	if (!unitNeedsCredentials(brand)) {
		if (filled.size === 0) return {};
		const given = [...filled.keys()];
		const fields = fieldList(given);
		// The value is left out of the error: it may be a unit password.
		throw invalidFieldError(
			this,
			itemIndex,
			`A ${brand} unit takes no credentials, but ${fields} ${given.length > 1 ? 'are' : 'is'} set`,
			{
				field: given.map((name) => CREDENTIAL_FIELDS[name].displayName).join(' / '),
				allowed: `INVERS links CloudBoxx units to the fleet itself and refuses credentials for them. Leave ${fields} empty for CloudBoxx units (with the brand set by expression, e.g. an expression that is empty for them).`,
				parameter: given[0],
			},
		);
	}
	const read = this.getNode().typeVersion < 2 ? readVersion1Credentials : readVersion2Credentials;
	const chosen = read.call(this, brand, itemIndex, filled);
	return { [CREDENTIAL_FIELDS[chosen].wire]: filled.get(chosen)! };
}

/** Reads and checks one vehicle to add; the POST goes out only once every item passed. */
export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<PreparedWrite> {
	const brand = requiredText.call(this, 'telematicsBrand', 'Telematics Brand', itemIndex);
	const body: AddVehicleRequest = {
		telematics_brand: brand,
		telematics_unit_id: requiredText.call(
			this,
			'telematicsUnitId',
			'Telematics Unit ID',
			itemIndex,
		),
		vehicle_model_id: requiredText.call(this, 'vehicleModelId', 'Vehicle Model', itemIndex),
		...readUnitCredentials.call(this, brand, itemIndex),
	};
	const masterData = readMasterData.call(
		this,
		this.getNodeParameter('masterData', itemIndex, {}) as IDataObject,
		itemIndex,
	);
	if (Object.keys(masterData).length) body.master_data = masterData;
	const customFields = readCustomFields.call(
		this,
		this.getNodeParameter('customFields', itemIndex, {}) as IDataObject,
		[],
		itemIndex,
	);
	if (Object.keys(customFields).length) body.custom_fields = customFields;
	const additional = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const tags = splitList(additional.tags);
	if (tags.length) body.tags = tags;
	if (typeof additional.operationStatus === 'string' && additional.operationStatus.trim() !== '') {
		body.operation_status = additional.operationStatus.trim();
	}

	const unit = `unit ${body.telematics_unit_id} (${body.telematics_brand})`;
	return {
		subject: {
			telematics_brand: body.telematics_brand,
			telematics_unit_id: body.telematics_unit_id,
		},
		label: unit,
		target: body.telematics_unit_id,
		send: async () => {
			// Not idempotent: a second POST after a lost answer would fail on the unit now in use,
			// so the transport never resends it once it may have reached INVERS.
			const response = await oneApiRequest
				.call(this, {
					method: 'POST',
					path: paths.vehicles,
					body: body as unknown as IDataObject,
					idempotent: false,
					// A unit or model INVERS does not know: the message names what was asked for.
					subject: `telematics unit ${body.telematics_unit_id} (${body.telematics_brand}) with vehicle model ${body.vehicle_model_id}`,
					itemIndex,
				})
				.catch((error: NodeApiError) => {
					// A success status with an unreadable body already says so in its own words.
					const accepted = /^2/.test(String(error.httpCode ?? ''));
					if (mayHaveHadEffect(error) && !accepted) {
						// Timed out, connection lost or a server error: never advise a blind retry. The
						// message says so already; the description says how to look.
						const flowId = (error.errorResponse as IDataObject | undefined)?.flow_id;
						error.description = [
							`The vehicle with telematics ${unit} may or may not have been added.`,
							howToCheck(body),
							flowId ? `Flow ID: ${String(flowId)}` : undefined,
						]
							.filter(Boolean)
							.join(' ');
					}
					throw error;
				});
			// The vehicle includes its setup status: setup runs asynchronously and the vehicle takes
			// commands only once it is SUCCEEDED.
			return {
				...(response.body as IDataObject),
				etag: response.etag ?? null,
				flow_id: response.flowId ?? null,
			};
		},
	};
}
