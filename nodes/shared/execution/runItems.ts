import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

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

/**
 * The error item that takes a failed item's place under "Continue On Fail". Only the keys n8n
 * recognises as an error item (`error`, `details`): with "Continue (using error output)" n8n then
 * routes it to the error output, and the facts an operator needs stay in `details`.
 */
function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndex: number,
): INodeExecutionData {
	const data = (error as NodeApiError).errorResponse as JsonObject | undefined;
	const details: IDataObject = {};
	if (error.description) details.description = error.description;
	if ((error as NodeApiError).httpCode) details.httpCode = (error as NodeApiError).httpCode;
	if (data?.type) details.problemType = data.type;
	if (data?.flow_id) details.flow_id = data.flow_id;
	return { json: { error: error.message, details }, pairedItem: { item: itemIndex } };
}

function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * The item loop every action node of the package shares: each input item runs the operation,
 * output items carry `pairedItem`, and with "Continue On Fail" a failing item becomes an error
 * item in its place instead of stopping the node.
 */
export async function runItems(
	this: IExecuteFunctions,
	operation: ItemOperation,
	options: RunItemsOptions = {},
): Promise<INodeExecutionData[]> {
	const inputCount = this.getInputData().length;
	const results: INodeExecutionData[][] = new Array(inputCount);
	const runOne = async (itemIndex: number) => {
		try {
			const result = await operation.call(this, itemIndex);
			const entries = Array.isArray(result) ? result : [result];
			results[itemIndex] = entries.map((json) => ({ json, pairedItem: { item: itemIndex } }));
		} catch (error) {
			const nodeError = asNodeError(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			results[itemIndex] = [errorItem(nodeError, itemIndex)];
		}
	};

	const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, inputCount || 1));
	let next = 0;
	let failure: unknown;
	const worker = async () => {
		while (next < inputCount && failure === undefined) {
			const itemIndex = next++;
			try {
				await runOne(itemIndex);
			} catch (error) {
				failure ??= error;
			}
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	if (failure !== undefined) throw failure;
	return results.flat();
}
