import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { configureTransport } from '../transport';
import type { BatchWording } from './batchReport';
import type { ItemOperation } from './runItems';
import { runItems } from './runItems';
import type { PrepareWrite } from './runWrites';
import { runWrites } from './runWrites';

/**
 * One operation file: its parameters and what it does for one input item. A read has `execute`;
 * a write (it changes something at INVERS or on a vehicle) has `prepare`, which checks an item
 * and returns how to send it, and `wording` for the report of a batch that stopped.
 */
export interface OperationModule {
	description: INodeProperties[];
	execute?: ItemOperation;
	prepare?: PrepareWrite;
	wording?: BatchWording;
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
	if (!module || !(module.execute || (module.prepare && module.wording))) {
		throw new NodeOperationError(
			this.getNode(),
			`The operation "${operation}" of resource "${resource}" is not known to this node version`,
		);
	}
	const timeoutSeconds = this.getNodeParameter('options.timeout', 0, 0) as number;
	if (timeoutSeconds > 0) configureTransport(this, { timeoutMs: timeoutSeconds * 1000 });
	const concurrency = module.concurrency?.call(this) ?? 1;
	if (module.prepare && module.wording) {
		return [await runWrites.call(this, module.prepare, { concurrency, wording: module.wording })];
	}
	return [await runItems.call(this, module.execute!, { concurrency })];
}
