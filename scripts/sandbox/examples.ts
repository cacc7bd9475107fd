/**
 * The example workflows as `npm start` imports them. `n8n import:workflow` replaces a workflow of
 * the same id and unpublishes it, so a restart imports only the examples n8n does not have yet:
 * an example the user changed, published or unpublished is left alone.
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

/** "2" for `inversExample002`: the number the examples' files and README use. */
export function exampleNumber(example: { id: string }): string {
	return String(Number(example.id.replace(/^\D+/, '')));
}

/** "2 Event-triggered alert": the number and the name without the common prefix. */
export function exampleLabel(example: { id: string; name: string }): string {
	return `${exampleNumber(example)} ${example.name.replace(/^INVERS example: /, '')}`;
}

export const EXAMPLE_IDS = {
	alert: 'inversExample002',
	masterDataSync: 'inversExample003',
	unlockOnBooking: 'inversExample004',
	fleetStateMirror: 'inversExample006',
} as const;

/**
 * Published when imported, so the sandbox shows the package working without a hunt: the examples
 * that only read events and mirror or report them (the alert, the master data sync into Postgres,
 * the fleet state mirror that fills the Data Table). The others act on vehicles (the nightly sweep
 * sends vehicles to the garage, example 4 unlocks one, example 5 adds units) or run only by hand:
 * they stay unpublished until the user publishes them. The master data sync needs its table: it
 * is published only when the table is there.
 */
export const PUBLISH_ON_IMPORT: readonly string[] = [
	EXAMPLE_IDS.alert,
	EXAMPLE_IDS.masterDataSync,
	EXAMPLE_IDS.fleetStateMirror,
];

/** Where example 2 posts its alerts in the file; the sandbox's receiver may listen elsewhere. */
export const EXAMPLE_ALERT_URL = 'http://127.0.0.1:8999/invers-alert';

/** The workflow as the sandbox imports it: its queues the fleet's, example 2's alerts to `alertUrl`. */
export function forSandbox<T>(workflow: T, fleetId: string, alertUrl: string): T {
	return JSON.parse(
		JSON.stringify(forFleet(workflow, fleetId)).replaceAll(EXAMPLE_ALERT_URL, alertUrl),
	) as T;
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
