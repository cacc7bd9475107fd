import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { invalidFieldOf } from '../validation';

export type NodeError = NodeApiError | NodeOperationError;

/** Any error of an item as an n8n node error that names the item. */
export function asNodeError(
	context: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		error.context.itemIndex ??= itemIndex;
		return error;
	}
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/**
 * The error item that takes a failed item's place under "Continue On Fail". Only the keys n8n
 * recognises as an error item (`error`, `details`): with "Continue (using error output)" n8n then
 * routes it to the error output, and the facts an operator needs stay in `details`: what the item
 * acted on (`subject`, e.g. vehicle and command), the refused field with its value and what is
 * allowed, or the API's status, problem type and flow ID.
 */
export function errorItem(
	error: NodeError,
	itemIndex: number,
	subject: IDataObject = {},
	extra: IDataObject = {},
): INodeExecutionData {
	const data = (error as NodeApiError).errorResponse as JsonObject | undefined;
	const details: IDataObject = { ...subject };
	if (error.description) details.description = error.description;
	Object.assign(details, invalidFieldOf(error));
	if ((error as NodeApiError).httpCode) details.httpCode = (error as NodeApiError).httpCode;
	if (data?.type) details.problemType = data.type;
	if (data?.flow_id) details.flow_id = data.flow_id;
	Object.assign(details, extra);
	return { json: { error: error.message, details }, pairedItem: { item: itemIndex } };
}
