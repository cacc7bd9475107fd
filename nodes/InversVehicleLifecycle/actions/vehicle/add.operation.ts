import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AddVehicleRequest } from '../../../shared/contract';
import { paths, unitNeedsCredentials } from '../../../shared/contract';
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

const CREDENTIAL_FIELDS = {
	credentialsId: { displayName: 'OEM Credentials ID', wire: 'credentials_id' },
	unitPassword: { displayName: 'Unit Password', wire: 'password' },
} as const;
type CredentialParameter = keyof typeof CREDENTIAL_FIELDS;

/**
 * How INVERS reaches the unit [doc]: a CloudBoxx needs nothing (INVERS links purchased boxes to the
 * fleet itself), a unit of another maker exactly one of stored OEM credentials and its password.
 * The editor offers the credentials for OEM brands only, and one of them at a time; a brand set by
 * expression is checked here, per item, before anything is sent.
 */
function readUnitCredentials(
	this: IExecuteFunctions,
	brand: string,
	itemIndex: number,
): Pick<AddVehicleRequest, 'credentials_id' | 'password'> {
	// Hidden parameters are not kept by n8n: what is read here is what the editor showed.
	const value = (name: CredentialParameter) =>
		String(this.getNodeParameter(name, itemIndex, '') ?? '');
	if (!unitNeedsCredentials(brand)) {
		const given = (Object.keys(CREDENTIAL_FIELDS) as CredentialParameter[]).filter(
			(name) => value(name).trim() !== '',
		);
		if (given.length === 0) return {};
		const fields = given.map((name) => `"${CREDENTIAL_FIELDS[name].displayName}"`).join(' and ');
		throw new NodeOperationError(
			this.getNode(),
			`A ${brand} unit takes no credentials, but ${fields} ${given.length > 1 ? 'are' : 'is'} set`,
			{
				itemIndex,
				description: `INVERS links CloudBoxx units to the fleet itself and refuses credentials for them. Leave ${fields} empty for CloudBoxx units (with the brand set by expression, e.g. an expression that is empty for them).`,
			},
		);
	}
	const chosen: CredentialParameter =
		this.getNodeParameter('unitCredentials', itemIndex, 'credentialsId') === 'password'
			? 'unitPassword'
			: 'credentialsId';
	const field = CREDENTIAL_FIELDS[chosen];
	const text = chosen === 'credentialsId' ? value(chosen).trim() : value(chosen);
	if (text === '') {
		throw new NodeOperationError(
			this.getNode(),
			`The field "${field.displayName}" is empty: a ${brand} unit needs OEM credentials or its unit password`,
			{
				itemIndex,
				description: `Units of makers other than CloudBoxx reach INVERS through OEM credentials stored in FleetControl (their ID) or the password of the unit: fill in "${field.displayName}", or choose the other one under "Unit Credentials".`,
			},
		);
	}
	return { [field.wire]: text };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
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
