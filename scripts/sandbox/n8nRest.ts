/**
 * One call to a running n8n's REST API with the owner's login cookie, as the editor makes it. The
 * sandbox (publishing examples, the Data Table) and the end-to-end tests share it.
 */

export interface N8nAnswer {
	ok: boolean;
	status: number;
	text: string;
	/** The answer parsed as JSON, or its text when it is not JSON (static files, some errors). */
	body: unknown;
}

export async function callN8n(
	url: string,
	cookie: string,
	method: string,
	path: string,
	body?: unknown,
): Promise<N8nAnswer> {
	const response = await fetch(`${url}${path}`, {
		method,
		// n8n's REST API wants a browser id from clients without a browser on state-changing calls.
		headers: { cookie, 'content-type': 'application/json', 'browser-id': 'invers-sandbox' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// Not JSON: the text says what it is.
	}
	return { ok: response.ok, status: response.status, text, body: parsed };
}

/** The `data` n8n's REST API wraps its answers in; undefined when the answer has none. */
export function dataOf<T>(answer: N8nAnswer): T | undefined {
	const { body } = answer;
	return body !== null && typeof body === 'object' ? (body as { data?: T }).data : undefined;
}

/** The `data` of a REST call that must succeed; an error naming the call and n8n's answer if not. */
export async function n8nData<T>(
	url: string,
	cookie: string,
	method: string,
	route: string,
	body?: unknown,
): Promise<T> {
	const answer = await callN8n(url, cookie, method, `/rest${route}`, body);
	if (!answer.ok) {
		throw new Error(
			`n8n ${method} /rest${route}: HTTP ${answer.status} ${answer.text.slice(0, 500)}`,
		);
	}
	return dataOf<T>(answer) as T;
}
