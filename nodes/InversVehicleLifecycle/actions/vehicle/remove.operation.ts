import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { NodeOperationError } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { paths } from '../../../shared/contract';
import { getVehicleId, vehicleLocator } from '../../../shared/descriptions/vehicleLocator';
import type { BatchWording } from '../../../shared/execution/batchReport';
import type { PreparedWrite } from '../../../shared/execution/runWrites';
import { oneApiRequest } from '../../../shared/transport';
import { requestOutcome } from '../../../shared/transport/requestOutcome';
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
	...vehicleLocator(show),
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

export const wording: BatchWording = {
	done: 'removed',
	whenUncertain:
		'Get those vehicles (Vehicle Management → Get): "not found" means they were removed. Removing one again is harmless with "Treat Not Found as Removed".',
};

function isNotFound(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError && error.httpCode === '404';
}

function alreadyRemoved(vehicleId: string, error: NodeApiError): IDataObject {
	const flowId = (error.errorResponse as IDataObject | undefined)?.flow_id;
	return { vehicle_id: vehicleId, removed: true, already_removed: true, flow_id: flowId ?? null };
}

export async function prepare(this: IExecuteFunctions, itemIndex: number): Promise<PreparedWrite> {
	const vehicleId = getVehicleId.call(this, itemIndex);
	const treatNotFoundAsRemoved = this.getNodeParameter(
		'options.treatNotFoundAsRemoved',
		itemIndex,
		false,
	) as boolean;
	// Built with the item's checks, before the first request of the node.
	const path = paths.vehicle(vehicleId);
	const send = async (): Promise<IDataObject> => {
		try {
			const response = await oneApiRequest.call(this, {
				method: 'DELETE',
				path,
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
			// A DELETE is repeated after a 5xx or a lost answer; when the repeat finds the vehicle
			// gone, the earlier attempt removed it: that is this item's success, not an error.
			if (treatNotFoundAsRemoved || requestOutcome(error)?.earlierAttemptMayHaveRun) {
				return alreadyRemoved(vehicleId, error);
			}
			const notFound: NodeApiError = error;
			notFound.description =
				`${notFound.description ?? ''} To let a clean-up workflow count such vehicles as removed, turn on the option "Treat Not Found as Removed".`.trim();
			throw notFound;
		}
	};
	return {
		subject: { vehicle_id: vehicleId },
		label: `vehicle ${vehicleId}`,
		target: vehicleId,
		send,
	};
}
