/**
 * Publishing (activating) the sandbox's examples and reading whether they are published, over the
 * running instance's REST API as the editor's "Publish" button does: at once, without a restart
 * (`n8n publish:workflow` writes the database only, and each CLI call boots n8n for seconds).
 */

async function call<T>(
	url: string,
	cookie: string,
	method: string,
	route: string,
	body?: unknown,
): Promise<{ ok: boolean; status: number; data?: T; text: string }> {
	const response = await fetch(`${url}/rest${route}`, {
		method,
		// n8n's REST API wants a browser id from clients without a browser on state-changing calls.
		headers: { cookie, 'content-type': 'application/json', 'browser-id': 'invers-sandbox' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let data: T | undefined;
	try {
		data = (JSON.parse(text) as { data?: T }).data;
	} catch {
		// Not JSON: the text says what went wrong.
	}
	return { ok: response.ok, status: response.status, data, text };
}

interface WorkflowRecord {
	id: string;
	active: boolean;
	versionId: string;
}

/** Whether each workflow is published, by id (a workflow n8n does not have is left out). */
export async function publishedStates(
	url: string,
	cookie: string,
	ids: string[],
): Promise<Map<string, boolean>> {
	const states = new Map<string, boolean>();
	for (const id of ids) {
		const { ok, data } = await call<WorkflowRecord>(url, cookie, 'GET', `/workflows/${id}`);
		if (ok && data) states.set(id, data.active === true);
	}
	return states;
}

/**
 * Publishes the workflow's current version. Resolves with undefined once n8n runs it, or with the
 * reason n8n gave for refusing (a trigger that could not start, a missing credential).
 */
export async function publishWorkflow(
	url: string,
	cookie: string,
	id: string,
): Promise<string | undefined> {
	const current = await call<WorkflowRecord>(url, cookie, 'GET', `/workflows/${id}`);
	if (!current.ok || !current.data) return `n8n has no workflow ${id} (HTTP ${current.status})`;
	if (current.data.active) return undefined;
	const published = await call<WorkflowRecord>(url, cookie, 'POST', `/workflows/${id}/activate`, {
		versionId: current.data.versionId,
	});
	if (published.ok) return undefined;
	let reason = published.text;
	try {
		reason = (JSON.parse(published.text) as { message?: string }).message ?? reason;
	} catch {
		// Not JSON.
	}
	return `HTTP ${published.status}: ${reason.slice(0, 300)}`;
}
