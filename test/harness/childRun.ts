/**
 * Runs nodes in a process of its own, for tests whose environment must be set before Node.js
 * starts (NODE_EXTRA_CA_CERTS is read once, at start) or must not leak into other tests
 * (HTTPS_PROXY, NO_PROXY). The parent passes the runs as JSON in INVERS_CHILD_RUNS; each run gets
 * the same credential, so a token stored by one serves the next, as in n8n. Prints one line:
 * `RESULT <json>` with, per run, the output's `id`s and the error's message and description.
 */
import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import { runNode, TestCredentials } from './workflowRunner';

export interface ChildRun {
	node: string;
	parameters: INodeParameters;
}

export interface ChildInput {
	credentials: ICredentialDataDecryptedObject;
	runs: ChildRun[];
}

export interface ChildResult {
	ids: unknown[];
	error?: { message: string; description?: string };
}

async function main(): Promise<void> {
	const input = JSON.parse(process.env.INVERS_CHILD_RUNS ?? '{}') as ChildInput;
	const credentials = new TestCredentials(input.credentials);
	const results: ChildResult[] = [];
	for (const run of input.runs) {
		const { items, error } = await runNode({ ...run, credentials });
		results.push({
			ids: items.map((item) => item.json.id),
			error: error && { message: error.message, description: error.description },
		});
	}
	process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
	process.exit(0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
