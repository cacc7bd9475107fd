import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/**
 * What the three action nodes' descriptions have in common: one main input and output, the one
 * OneAPI credential tested by the shared function. (`usableAsTool` stays in each node: n8n's lint
 * rule looks for it there.)
 */
export const actionNodeBase: Pick<INodeTypeDescription, 'inputs' | 'outputs' | 'credentials'> = {
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
	credentials: [{ name: 'inversOneApi', required: true, testedBy: 'inversOneApiConnectionTest' }],
};

/** The Resource selector over the resources a node offers; every node starts on Vehicle. */
export function resourceProperty(
	resources: Array<{ name: string; value: string }>,
): INodeProperties {
	return {
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: resources,
		default: 'vehicle',
	};
}

export const VEHICLE_RESOURCE = { name: 'Vehicle', value: 'vehicle' };
