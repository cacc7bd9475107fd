import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { knownValues, PathParameterError, paths, readItems } from '../../shared/contract';
import { oneApiRequest } from '../../shared/transport';

export interface VehicleModelList {
	models: IDataObject[];
	flowId?: string;
}

/**
 * The vehicle models INVERS can set up with a telematics brand, shared by the model dropdown of
 * Add Vehicle and by Get Available Vehicle Models.
 */
export async function fetchVehicleModels(
	this: IExecuteFunctions | ILoadOptionsFunctions,
	telematicsBrand: string,
	itemIndex?: number,
): Promise<VehicleModelList> {
	let path: string;
	try {
		path = paths.availableVehicleModels(telematicsBrand);
	} catch (error) {
		// The brand cannot go into the path ("..", "/", spaces): nothing is sent.
		const message =
			error instanceof PathParameterError
				? error.forField('Telematics Brand')
				: (error as Error).message;
		throw new NodeOperationError(this.getNode(), message, { itemIndex });
	}
	try {
		const response = await oneApiRequest.call(this, {
			method: 'GET',
			path,
			expect: 'list',
			subject: `the vehicle models of ${telematicsBrand}`,
			itemIndex,
		});
		return { models: readItems(response.body) as IDataObject[], flowId: response.flowId };
	} catch (error) {
		// The shared 404 hint talks about vehicles; here only the brand can be unknown.
		if (error instanceof NodeApiError && error.httpCode === '404') {
			const flowId = (error.errorResponse as IDataObject | undefined)?.flow_id;
			throw new NodeApiError(this.getNode(), (error.errorResponse ?? {}) as never, {
				message: `INVERS knows no telematics brand "${telematicsBrand}" (INVERS answered 404): check the field "Telematics Brand"; brands known today are ${knownValues.telematicsBrand.join(', ')}`,
				description: `Check the field "Telematics Brand": brands known today are ${knownValues.telematicsBrand.join(', ')}; others can be set by expression if INVERS supports them for your fleet.${flowId ? ` Flow ID: ${String(flowId)}` : ''}`,
				httpCode: '404',
				itemIndex,
			});
		}
		throw error as NodeApiError | NodeOperationError;
	}
}

/** A readable name for a model in a dropdown: "Volkswagen ID.3 (CAR)". */
export function vehicleModelLabel(model: IDataObject): string {
	const name = [model.vehicle_brand, model.vehicle_model].filter(Boolean).join(' ');
	const type = model.vehicle_type ? ` (${String(model.vehicle_type)})` : '';
	return `${name || String(model.id)}${type}`;
}
