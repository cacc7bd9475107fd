/**
 * Workflows as `n8n import:workflow` takes them, for the end-to-end tests and bench:n8n: nodes
 * that run one after another. No jest here, so the benchmarks can use it too.
 */
import { randomUUID } from 'node:crypto';

export interface ChainNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: object;
	credentials?: object;
	webhookId?: string;
}

/** The nodes in a row, each connected to the next; `settings` add to n8n's v1 execution order. */
export function linearWorkflow(
	id: string,
	name: string,
	chain: ChainNode[],
	settings: Record<string, unknown> = {},
) {
	const nodes = chain.map((node, index) => ({
		id: randomUUID(),
		position: [index * 240, 0],
		...node,
	}));
	const connections = Object.fromEntries(
		nodes
			.slice(0, -1)
			.map((node, index) => [
				node.name,
				{ main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] },
			]),
	);
	return {
		id,
		name,
		active: false,
		settings: { executionOrder: 'v1', ...settings },
		pinData: {},
		tags: [],
		nodes,
		connections,
	};
}

/** A webhook at GET /webhook/<path> answering once the last node ran, with `responseData`. */
export function webhookNode(path: string, responseData: 'allEntries' | 'noData'): ChainNode {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'GET', path, responseMode: 'lastNode', responseData, options: {} },
	};
}
