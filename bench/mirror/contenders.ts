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
import { EXAMPLES_DIR, forFleet } from '../../scripts/sandbox/examples';
import { psql } from '../../test/e2e/services';
import { MARKER_PREFIX } from './marker';

export interface Workflow {
	id: string;
	name: string;
	nodes: Array<{ name: string; type: string; parameters: Record<string, unknown> }>;
	[key: string]: unknown;
}

/** Where a running contender keeps its rows. */
export interface RowStore {
	rows(): Promise<Array<Record<string, unknown>>>;
	/** The highest mileage in the marker vehicles' rows (undefined: none yet; ./marker.ts). */
	marker(): Promise<number | undefined>;
}

/** The PostgreSQL database the PostgreSQL contenders write (the bench's Postgres credential). */
export const ROWS_DATABASE = `invers_bench_mirror_${process.pid}_rows`;

export interface Contender {
	name: string;
	/** What it is, for the printed table. */
	label: string;
	/** The workflow for a fleet's queues, with a workflow id of its own. */
	workflow(fleetId: string): Workflow;
	/** Creates what it writes into, empty, once n8n runs (the Data Table, the PostgreSQL table). */
	prepare(n8n: { url: string; cookie: string }): Promise<RowStore>;
}

function readWorkflow(file: string): Workflow {
	return JSON.parse(readFileSync(file, 'utf8')) as Workflow;
}

/** The fleet state mirror's Data Table, created over n8n's REST API as `npm start` does. */
async function fleetStateTable(n8n: { url: string; cookie: string }): Promise<RowStore> {
	const table: DataTableRef = await ensureDataTable(n8n.url, n8n.cookie, FLEET_STATE_TABLE);
	const filter = encodeURIComponent(
		JSON.stringify({
			type: 'and',
			filters: [{ columnName: 'vehicle_id', condition: 'like', value: `${MARKER_PREFIX}%` }],
		}),
	);
	return {
		rows: async () => await dataTableRows(n8n.url, n8n.cookie, table),
		marker: async () => {
			const response = await fetch(
				`${n8n.url}/rest/projects/${table.projectId}/data-tables/${table.id}/rows?filter=${filter}&sortBy=mileage_in_kilometers:desc&take=1`,
				{ headers: { cookie: n8n.cookie } },
			);
			if (!response.ok) throw new Error(`reading the marker row: HTTP ${response.status}`);
			const page = (await response.json()) as {
				data: { data: Array<{ mileage_in_kilometers: number | null }> };
			};
			const values = page.data.data.map((row) => row.mileage_in_kilometers ?? 0);
			return values.length ? Math.max(...values) : undefined;
		},
	};
}

/** The example 8 table, created afresh in the bench's database. */
async function postgresTable(): Promise<RowStore> {
	await psql(ROWS_DATABASE, 'DROP TABLE IF EXISTS invers_fleet_state');
	await psql(ROWS_DATABASE, readFileSync(path.join(EXAMPLES_DIR, 'postgres-tables.sql'), 'utf8'));
	return {
		rows: async () => {
			const json = await psql(
				ROWS_DATABASE,
				"SELECT COALESCE(json_agg(t), '[]') FROM invers_fleet_state t",
				256 * 2 ** 20,
			);
			return JSON.parse(json) as Array<Record<string, unknown>>;
		},
		marker: async () => {
			const value = await psql(
				ROWS_DATABASE,
				`SELECT max(mileage_in_kilometers) FROM invers_fleet_state WHERE vehicle_id LIKE '${MARKER_PREFIX}%'`,
			);
			return value.trim() ? Number(value) : undefined;
		},
	};
}

const example = (file: string) => readWorkflow(path.join(EXAMPLES_DIR, file));

/**
 * Example 6 with its rewrite replaced by what a Data Table user would build first: an upsert per
 * vehicle that changed (the same merge, then one Data Table operation per row), to show what one
 * row-by-row operation costs.
 */
function perRowUpsertMirror(): Workflow {
	const workflow = example('06-fleet-state-mirror.json');
	workflow.id = 'inversBenchMir03';
	workflow.name = 'INVERS bench: fleet state mirror, batches, one Data Table upsert per vehicle';
	const merge = workflow.nodes.find((node) => node.name === 'Merge Batch into Rows')!;
	const code = String(merge.parameters.jsCode);
	const ending = code.indexOf('// Nothing newer');
	if (ending < 0)
		throw new Error('example 6 changed: its merge code has no "// Nothing newer" ending');
	merge.parameters.jsCode = `${code
		.slice(0, ending)
		.replace(
			'rows.set(batch.vehicle_id, row);',
			'rows.set(batch.vehicle_id, row);\n\tchangedRows.push(row);',
		)
		.replace(
			'let changed = 0;',
			'let changed = 0;\nconst changedRows = [];',
		)}return changedRows.map(({ id, createdAt, updatedAt, ...row }) => ({ json: row }));\n`;
	const write = workflow.nodes.find((node) => node.name === 'Write Rows')!;
	write.parameters = {
		resource: 'row',
		operation: 'upsert',
		dataTableId: write.parameters.dataTableId,
		matchType: 'allConditions',
		filters: {
			conditions: [{ keyName: 'vehicle_id', condition: 'eq', keyValue: '={{ $json.vehicle_id }}' }],
		},
		columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
		options: {},
	};
	workflow.nodes = workflow.nodes.filter((node) => node.name !== 'Remove Older Rows');
	const connections = workflow.connections as Record<string, unknown>;
	delete connections['Write Rows'];
	return workflow;
}

export const CONTENDERS: Contender[] = [
	{
		name: 'per-event',
		label: 'example 6 before batches: one execution per event, Parallel Executions 1',
		workflow: (fleetId) =>
			forFleet(readWorkflow(path.join(__dirname, 'perEventMirror.json')), fleetId),
		prepare: fleetStateTable,
	},
	{
		name: 'batched',
		label: 'example 6: batches of Latest per Vehicle, the Data Table rewritten per batch',
		workflow: (fleetId) => forFleet(example('06-fleet-state-mirror.json'), fleetId),
		prepare: fleetStateTable,
	},
	{
		name: 'postgres',
		label: 'example 8: batches of Latest per Vehicle, one PostgreSQL upsert per batch',
		workflow: (fleetId) => forFleet(example('08-fleet-state-mirror-postgres.json'), fleetId),
		prepare: postgresTable,
	},
	{
		name: 'batched-upsert',
		label: 'example 6 with one Data Table upsert per changed vehicle instead of the rewrite',
		workflow: (fleetId) => forFleet(perRowUpsertMirror(), fleetId),
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
