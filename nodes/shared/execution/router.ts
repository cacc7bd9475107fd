import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { configureTransport } from '../transport';
import type { ItemOperation, RunItemsOptions } from './runItems';
import { runItems } from './runItems';

/** One operation file: its parameters and what it does for one input item. */
export interface OperationModule {
	description: INodeProperties[];
	execute: ItemOperation;
	/** How many items may run at once (read once per node run), 1 when absent. */
	concurrency?: (this: IExecuteFunctions) => number;
}

export type ResourceOperations = Record<string, Record<string, OperationModule>>;

/** Reads resource and operation, then runs the operation's file over every input item. */
export async function route(
	this: IExecuteFunctions,
	resources: ResourceOperations,
): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const module = resources[resource]?.[operation];
	if (!module) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not known to this node version`,
		);
	}
	const timeoutSeconds = this.getNodeParameter('options.timeout', 0, 0) as number;
	if (timeoutSeconds > 0) configureTransport(this, { timeoutMs: timeoutSeconds * 1000 });
	const options: RunItemsOptions = { concurrency: module.concurrency?.call(this) ?? 1 };
	return [await runItems.call(this, module.execute, options)];
}
