/**
 * The example workflows as `npm start` imports them. `n8n import:workflow` replaces a workflow of
 * the same id and unpublishes it, so a restart imports only the examples n8n does not have yet:
 * an example the user changed or published is left alone.
 *
 * The examples consume the queues `fleet-demo.<topic>`; a sandbox's queues carry its own fleet id
 * (two sandboxes on one RabbitMQ must not take each other's events), so the queue names are
 * renamed on import, as the end-to-end tests do for their test fleets.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { REPO_ROOT } from './paths';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** The fleet id the example files are written for. */
export const EXAMPLE_FLEET_ID = 'demo';

export interface ExampleWorkflow {
	id: string;
	name: string;
	[key: string]: unknown;
}

export function readExamples(dir = EXAMPLES_DIR): ExampleWorkflow[] {
	return readdirSync(dir)
		.filter((name) => name.endsWith('.json'))
		.sort()
		.map((name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as ExampleWorkflow);
}

/** The workflow with every `fleet-demo.` queue name changed to `fleet-<fleetId>.`. */
export function forFleet<T>(workflow: T, fleetId: string): T {
	return JSON.parse(
		JSON.stringify(workflow).replaceAll(`fleet-${EXAMPLE_FLEET_ID}.`, `fleet-${fleetId}.`),
	) as T;
}

export function selectExamplesToImport<T extends { id: string }>(
	examples: T[],
	idsInN8n: ReadonlySet<string>,
): { imported: T[]; kept: T[] } {
	return {
		imported: examples.filter((example) => !idsInN8n.has(example.id)),
		kept: examples.filter((example) => idsInN8n.has(example.id)),
	};
}

/**
 * The ids `n8n list:workflow --onlyId` prints, one a line. n8n may print notices around them
 * (settings file permissions, deprecations): an id is one word of letters and digits.
 */
export function parseWorkflowIds(output: string): Set<string> {
	const ids = output
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => /^[A-Za-z0-9]{1,36}$/.test(line));
	return new Set(ids);
}
