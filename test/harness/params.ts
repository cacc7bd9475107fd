import type { INodeParameters } from 'n8n-workflow';

/** A resource-locator value as the n8n editor stores it. */
export function vehicleById(id: string): INodeParameters['vehicle'] {
	return { __rl: true, mode: 'id', value: id };
}

export function management(operation: string, parameters: INodeParameters = {}): INodeParameters {
	return { resource: 'vehicle', operation, ...parameters };
}
