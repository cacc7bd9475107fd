import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { route } from '../../shared/execution/router';
import * as vehicle from './vehicle';
import * as vehicleModel from './vehicleModel';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return await route.call(this, {
		vehicle: vehicle.operations,
		vehicleModel: vehicleModel.operations,
	});
}
