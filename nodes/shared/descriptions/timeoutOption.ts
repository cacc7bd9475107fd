import type { INodeProperties } from 'n8n-workflow';

/** Per-request timeout, read once per node run by the shared router (`options.timeout`). */
export const timeoutOption: INodeProperties = {
	displayName: 'Timeout (Seconds)',
	name: 'timeout',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 30,
	description: 'How long to wait for each answer of the OneAPI before giving up',
};
