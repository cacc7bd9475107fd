/**
 * The mirrors `npm run bench:mirror` runs, each a workflow n8n imports, with where its rows live.
 * `per-event` is the fleet state mirror as it shipped before batches (bench/mirror/perEventMirror.json:
 * one execution per event, Parallel Executions 1), kept as the baseline.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { DataTableRef } from '../../scripts/sandbox/dataTables';
import {
	dataTableRows,
	ensureDataTable,
	FLEET_STATE_TABLE,
} from '../../scripts/sandbox/dataTables';
import { forFleet } from '../../scripts/sandbox/examples';

export interface Workflow {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
	[key: string]: unknown;
}

/** Where a running contender keeps its rows. */
export interface RowStore {
	rows(): Promise<Array<Record<string, unknown>>>;
}

export interface Contender {
	name: string;
	/** What it is, for the printed table. */
	label: string;
	/** The workflow for a fleet's queues, with a workflow id of its own. */
	workflow(fleetId: string): Workflow;
	/** Creates what it writes into, once n8n runs (the Data Table). */
	prepare(n8n: { url: string; cookie: string }): Promise<RowStore>;
}

function readWorkflow(file: string): Workflow {
	return JSON.parse(readFileSync(file, 'utf8')) as Workflow;
}

/** The fleet state mirror's Data Table, created over n8n's REST API as `npm start` does. */
async function fleetStateTable(n8n: { url: string; cookie: string }): Promise<RowStore> {
	const table: DataTableRef = await ensureDataTable(n8n.url, n8n.cookie, FLEET_STATE_TABLE);
	return { rows: async () => await dataTableRows(n8n.url, n8n.cookie, table) };
}

export const CONTENDERS: Contender[] = [
	{
		name: 'per-event',
		label: 'example 6 before batches: one execution per event, Parallel Executions 1',
		workflow: (fleetId) =>
			forFleet(readWorkflow(path.join(__dirname, 'perEventMirror.json')), fleetId),
		prepare: fleetStateTable,
	},
];

export function contenderNamed(name: string): Contender {
	const found = CONTENDERS.find((contender) => contender.name === name);
	if (!found) {
		throw new Error(
			`--contenders: unknown contender "${name}"; known: ${CONTENDERS.map((c) => c.name).join(', ')}`,
		);
	}
	return found;
}
