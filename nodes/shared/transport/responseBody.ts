import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { FLOW_ID_HEADER, isItemList } from '../contract';
import { standAloneMessage } from './errorMessages';
import type { FailedRequest } from './problemErrors';

/**
 * What a successful answer must carry for the operation to use it:
 * - `object`: a JSON object (a vehicle, a vehicle state, a token);
 * - `list`: a list answer (`{ items: [...] }`, or a bare array);
 * - `objectOrNothing`: a JSON object or no body at all (204 to a Remove or an Update).
 * Anything else (an HTML page from a proxy, an empty body, a string) is an error naming status
 * and content type: never output items made of the characters of a web page, never an empty list
 * that only looks like "no vehicles".
 */
export type ExpectedBody = 'object' | 'list' | 'objectOrNothing';

function isJsonObject(body: unknown): boolean {
	return !!body && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body);
}

function isNothing(body: unknown): boolean {
	return body === undefined || body === null || body === '';
}

export function bodyIsExpected(body: unknown, expected: ExpectedBody): boolean {
	switch (expected) {
		case 'list':
			return isItemList(body);
		case 'objectOrNothing':
			return isNothing(body) || isJsonObject(body);
		default:
			return isJsonObject(body);
	}
}

function looksLikeHtml(body: unknown): boolean {
	return typeof body === 'string' && /^\s*<(!doctype|html|head|body|\?xml)/i.test(body);
}

/** What came instead, in words. */
function describeBody(body: unknown): string {
	if (isNothing(body)) return 'an empty body';
	if (looksLikeHtml(body)) return 'a web page';
	if (typeof body === 'string' || Buffer.isBuffer(body)) return 'text';
	if (Array.isArray(body)) return 'a JSON list';
	if (isJsonObject(body)) return 'a JSON object without "items"';
	return `the JSON value ${JSON.stringify(body).slice(0, 40)}`;
}

const EXPECTED_TEXT: Record<ExpectedBody, string> = {
	object: 'the JSON object it sends',
	list: 'a list of items',
	objectOrNothing: 'a JSON object or nothing',
};

/** What the caller should know about what the request may have done nevertheless. */
function consequence(request: FailedRequest, status: number): string | undefined {
	if (request.isCommand) {
		return `The command was accepted (HTTP ${status}), so it has probably been carried out: check the latest vehicle state before sending it again.`;
	}
	if (request.method === 'POST') {
		return `The request was accepted (HTTP ${status}), so it may have taken effect: look the vehicle up (Get Many, search) before sending it again.`;
	}
	if (request.method !== 'GET') {
		return `The request was accepted (HTTP ${status}), so it may have taken effect: check the vehicle before relying on it.`;
	}
	return undefined;
}

export function unexpectedBodyError(
	node: INode,
	response: { statusCode: number; headers: Record<string, string>; body: unknown },
	request: FailedRequest,
	expected: ExpectedBody,
): NodeApiError {
	const status = response.statusCode;
	const contentType = response.headers['content-type'] || 'no content type';
	const flowId = response.headers[FLOW_ID_HEADER];
	const answer = `${describeBody(response.body)} instead of ${EXPECTED_TEXT[expected]}`;
	const message = standAloneMessage(request, {
		kind: 'unexpectedBody',
		status,
		contentType,
		what: answer,
	});
	const description = [
		`${request.method} ${request.path}: nothing of this answer was used.`,
		'A proxy, gateway or login page between n8n and INVERS answers like this, or the Base URL of the credential points to a web site rather than the API.',
		consequence(request, status),
		flowId ? `Flow ID: ${flowId}` : undefined,
	]
		.filter(Boolean)
		.join(' ');
	// Plain facts only: never the request (it carries the token) nor the body (any size).
	const errorData: JsonObject = {
		status,
		content_type: contentType,
		flow_id: flowId ?? null,
		request: `${request.method} ${request.path}`,
	};
	return new NodeApiError(node, errorData, {
		message,
		description,
		httpCode: String(status),
		itemIndex: request.itemIndex,
	});
}
