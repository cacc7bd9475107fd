import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { runBounded } from './boundedPool';
import { asNodeError, errorItem } from './itemErrors';

/** What one operation returns for one input item: one result, several, or none. */
export type OperationResult = IDataObject | IDataObject[];

export type ItemOperation = (
	this: IExecuteFunctions,
	itemIndex: number,
) => Promise<OperationResult>;

export interface RunItemsOptions {
	/** How many items run at once; results keep the input order whatever finishes first. */
	concurrency?: number;
}

/** Output items of one input item's result, paired with it. */
export function outputItems(result: OperationResult, itemIndex: number): INodeExecutionData[] {
	const entries = Array.isArray(result) ? result : [result];
	return entries.map((json) => ({ json, pairedItem: { item: itemIndex } }));
}

export function inputIndices(context: IExecuteFunctions): number[] {
	return Array.from({ length: context.getInputData().length }, (_, index) => index);
}

/**
 * The item loop of the reading operations: each input item runs the operation, output items
 * carry `pairedItem`, and with "Continue On Fail" a failing item becomes an error item in its
 * place instead of stopping the node. (Writes run through runWrites: checked first, then sent.)
 */
export async function runItems(
	this: IExecuteFunctions,
	operation: ItemOperation,
	options: RunItemsOptions = {},
): Promise<INodeExecutionData[]> {
	const indices = inputIndices(this);
	const results: INodeExecutionData[][] = new Array(indices.length);
	let failure: unknown;
	await runBounded(
		indices,
		options.concurrency ?? 1,
		async (itemIndex) => {
			try {
				results[itemIndex] = outputItems(await operation.call(this, itemIndex), itemIndex);
			} catch (error) {
				const nodeError = asNodeError(this, error, itemIndex);
				if (this.continueOnFail()) results[itemIndex] = [errorItem(nodeError, itemIndex)];
				else failure ??= nodeError;
			}
		},
		() => failure !== undefined,
	);
	if (failure !== undefined) throw failure;
	return results.flat();
}
