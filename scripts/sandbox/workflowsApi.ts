/**
 * Publishing (activating) the sandbox's examples and reading whether they are published, over the
 * running instance's REST API as the editor's "Publish" button does: at once, without a restart
 * (`n8n publish:workflow` writes the database only, and each CLI call boots n8n for seconds).
 */
import { callN8n, dataOf } from './n8nRest';

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
		const answer = await callN8n(url, cookie, 'GET', `/rest/workflows/${id}`);
		const workflow = dataOf<WorkflowRecord>(answer);
		if (answer.ok && workflow) states.set(id, workflow.active === true);
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
	const current = await callN8n(url, cookie, 'GET', `/rest/workflows/${id}`);
	const workflow = dataOf<WorkflowRecord>(current);
	if (!current.ok || !workflow) return `n8n has no workflow ${id} (HTTP ${current.status})`;
	if (workflow.active) return undefined;
	const published = await callN8n(url, cookie, 'POST', `/rest/workflows/${id}/activate`, {
		versionId: workflow.versionId,
	});
	if (published.ok) return undefined;
	const { body } = published;
	const message =
		body !== null && typeof body === 'object' ? (body as { message?: unknown }).message : undefined;
	const reason = typeof message === 'string' ? message : published.text;
	return `HTTP ${published.status}: ${reason.slice(0, 300)}`;
}
