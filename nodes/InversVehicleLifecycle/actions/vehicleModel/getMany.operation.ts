import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { forOperations, telematicsBrandParameter, timeoutOption } from '../common';
import { fetchVehicleModels } from '../../helpers/vehicleModels';

export const description: INodeProperties[] = [
	telematicsBrandParameter('vehicleModel', 'getMany'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: forOperations('vehicleModel', 'getMany'),
		options: [timeoutOption],
	},
];

/** One output item per vehicle model the brand's telematics units can be set up with. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const brand = String(this.getNodeParameter('telematicsBrand', itemIndex, '') ?? '').trim();
	if (brand === '') {
		throw new NodeOperationError(this.getNode(), 'The field "Telematics Brand" is empty', {
			itemIndex,
		});
	}
	const { models, flowId } = await fetchVehicleModels.call(this, brand, itemIndex);
	return models.map((model) => ({ ...model, telematics_brand: brand, flow_id: flowId ?? null }));
}
