import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { NodeOperationError } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { paths } from '../../../shared/contract';
import { getVehicleId, vehicleLocator } from '../../../shared/descriptions/vehicleLocator';
import { oneApiRequest } from '../../../shared/transport';
import { forOperations, timeoutOption } from '../common';

const show = forOperations('vehicle', 'remove');

export const description: INodeProperties[] = [
	{
		displayName:
			'Removing archives the vehicle: it leaves the fleet and takes no more commands. INVERS keeps it in the archive for 90 days; its telematics unit can be added again as a new vehicle.',
		name: 'removeNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	vehicleLocator(show),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: show,
		options: [
			{
				displayName: 'Treat Not Found as Removed',
				name: 'treatNotFoundAsRemoved',
				type: 'boolean',
				default: false,
				description:
					'Whether a vehicle that does not exist (for example already removed) counts as removed instead of failing, so that clean-up workflows can run again safely',
			},
			timeoutOption,
		],
	},
];

function isNotFound(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError && error.httpCode === '404';
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const vehicleId = getVehicleId.call(this, itemIndex);
	const treatNotFoundAsRemoved = this.getNodeParameter(
		'options.treatNotFoundAsRemoved',
		itemIndex,
		false,
	) as boolean;
	try {
		const response = await oneApiRequest.call(this, {
			method: 'DELETE',
			path: paths.vehicle(vehicleId),
			subject: `vehicle ${vehicleId}`,
			itemIndex,
		});
		return {
			vehicle_id: vehicleId,
			removed: true,
			already_removed: false,
			flow_id: response.flowId ?? null,
		};
	} catch (error) {
		if (!isNotFound(error)) throw error as NodeApiError | NodeOperationError;
		if (treatNotFoundAsRemoved) {
			const flowId = (error.errorResponse as IDataObject | undefined)?.flow_id;
			return {
				vehicle_id: vehicleId,
				removed: true,
				already_removed: true,
				flow_id: flowId ?? null,
			};
		}
		const notFound: NodeApiError = error;
		notFound.description =
			`${notFound.description ?? ''} To let a clean-up workflow count such vehicles as removed, turn on the option "Treat Not Found as Removed".`.trim();
		throw notFound;
	}
}
