import type { IDataObject, IExecuteFunctions, NodeApiError } from 'n8n-workflow';

import type { AddVehicleRequest } from '../../../shared/contract';
import { paths } from '../../../shared/contract';
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

/** Exactly one way for INVERS to reach the vehicle: stored OEM credentials or the unit's password. */
function readAccess(
	this: IExecuteFunctions,
	itemIndex: number,
): Pick<AddVehicleRequest, 'credentials_id' | 'password'> {
	const credentialsId = String(this.getNodeParameter('credentialsId', itemIndex, '') ?? '').trim();
	const password = String(this.getNodeParameter('unitPassword', itemIndex, '') ?? '');
	if ((credentialsId === '') === (password === '')) {
		// The value is left out of the error: it may be a unit password.
		throw invalidFieldError(
			this,
			itemIndex,
			credentialsId === ''
				? 'Neither "OEM Credentials ID" nor "Unit Password" is set: fill in exactly one of them'
				: 'Both "OEM Credentials ID" and "Unit Password" are set: fill in only one of them',
			{
				field: 'OEM Credentials ID / Unit Password',
				allowed:
					'INVERS reaches a new vehicle either through OEM credentials stored in FleetControl (their ID) or through the password of its telematics unit, never both.',
			},
		);
	}
	return credentialsId !== '' ? { credentials_id: credentialsId } : { password };
}

/** Reads and checks one vehicle to add; the POST goes out only once every item passed. */
export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<PreparedWrite> {
	const body: AddVehicleRequest = {
		telematics_brand: requiredText.call(this, 'telematicsBrand', 'Telematics Brand', itemIndex),
		telematics_unit_id: requiredText.call(
			this,
			'telematicsUnitId',
			'Telematics Unit ID',
			itemIndex,
		),
		vehicle_model_id: requiredText.call(this, 'vehicleModelId', 'Vehicle Model', itemIndex),
		...readAccess.call(this, itemIndex),
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
						// Timed out, connection lost or a server error: never advise a blind retry.
						const flowId = (error.errorResponse as IDataObject | undefined)?.flow_id;
						error.description = [
							`${error.message}: the vehicle with telematics ${unit} may or may not have been added.`,
							howToCheck(body),
							flowId ? `Flow ID: ${String(flowId)}` : undefined,
						]
							.filter(Boolean)
							.join(' ');
						error.message = 'The vehicle may or may not have been added';
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
