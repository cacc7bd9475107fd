import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AddVehicleRequest } from '../../../shared/contract';
import { paths } from '../../../shared/contract';
import { readCustomFields, readMasterData } from '../../../shared/masterData';
import { oneApiRequest } from '../../../shared/transport';
import { splitList } from '../../../shared/validation';
import { addDescription } from './add.description';

export const description = addDescription;

function requiredText(
	this: IExecuteFunctions,
	name: string,
	displayName: string,
	itemIndex: number,
): string {
	const value = String(this.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (value === '') {
		throw new NodeOperationError(this.getNode(), `The field "${displayName}" is empty`, {
			itemIndex,
			description: `Adding a vehicle needs its telematics brand, telematics unit ID and vehicle model.`,
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
		throw new NodeOperationError(
			this.getNode(),
			credentialsId === ''
				? 'Neither "OEM Credentials ID" nor "Unit Password" is set: fill in exactly one of them'
				: 'Both "OEM Credentials ID" and "Unit Password" are set: fill in only one of them',
			{
				itemIndex,
				description:
					'INVERS reaches a new vehicle either through OEM credentials stored in FleetControl (their ID) or through the password of its telematics unit, never both.',
			},
		);
	}
	return credentialsId !== '' ? { credentials_id: credentialsId } : { password };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
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

	// Not idempotent: a second POST after a lost answer would fail on the unit now in use, so the
	// transport never resends it once it may have reached INVERS.
	const response = await oneApiRequest.call(this, {
		method: 'POST',
		path: paths.vehicles,
		body: body as unknown as IDataObject,
		idempotent: false,
		// A unit or model INVERS does not know: the message names what was asked for.
		subject: `telematics unit ${body.telematics_unit_id} (${body.telematics_brand}) with vehicle model ${body.vehicle_model_id}`,
		itemIndex,
	});
	// The vehicle includes its setup status: setup runs asynchronously and the vehicle takes
	// commands only once it is SUCCEEDED.
	return {
		...(response.body as IDataObject),
		etag: response.etag ?? null,
		flow_id: response.flowId ?? null,
	};
}
