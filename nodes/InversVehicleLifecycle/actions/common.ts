import type { INodeProperties } from 'n8n-workflow';

import { knownValues } from '../../shared/contract';
import { enumOptions } from '../../shared/descriptions/enumOptions';

export function forOperations(resource: string, ...operation: string[]) {
	return { show: { resource: [resource], operation } };
}

/** The telematics brand, shared by Add Vehicle and Get Available Vehicle Models. */
export function telematicsBrandParameter(resource: string, operation: string): INodeProperties {
	return {
		displayName: 'Telematics Brand',
		name: 'telematicsBrand',
		type: 'options',
		options: enumOptions(knownValues.telematicsBrand),
		// A literal: n8n's linter reads defaults statically. The first of knownValues.telematicsBrand.
		default: 'CLOUDBOXX',
		required: true,
		displayOptions: forOperations(resource, operation),
		description:
			'Maker of the telematics unit built into the vehicle. The list shows the brands known today; INVERS may support more, which an expression can set (e.g. the upper-case brand name).',
	};
}

export { timeoutOption } from '../../shared/descriptions/timeoutOption';
