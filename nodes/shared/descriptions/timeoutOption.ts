import type { INodeProperties } from 'n8n-workflow';

/**
 * Per-request timeout, read once per node run by the shared router (`options.timeout`): it bounds
 * each request whole, from sending to the last byte of the answer.
 */
export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30,
	description:
		'How long each request to the OneAPI may take, its whole answer included, before the node gives up',
};
