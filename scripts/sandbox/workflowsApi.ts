/**
 * Publishing (activating) the sandbox's examples and reading whether they are published, over the
 * running instance's REST API as the editor's "Publish" button does: at once, without a restart
 * (`n8n publish:workflow` writes the database only, and each CLI call boots n8n for seconds).
 */
import { callN8n, dataOf } from './n8nRest';

async function call<T>(
	url: string,
	cookie: string,
	method: string,
	route: string,
	body?: unknown,
): Promise<{ ok: boolean; status: number; data?: T; text: string }> {
	const answer = await callN8n(url, cookie, method, `/rest${route}`, body);
	return { ok: answer.ok, status: answer.status, data: dataOf<T>(answer), text: answer.text };
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
