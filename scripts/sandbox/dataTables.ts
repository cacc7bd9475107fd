/**
 * The n8n Data Table the "Fleet state mirror" example writes and the nightly sweep reads. n8n 2.x
 * has Data Tables built in, but a workflow cannot create one by itself with a fixed schema, and the
 * CLI has no command for it: `npm start` and the end-to-end tests create it over the instance's
 * REST API (`POST /rest/projects/<project>/data-tables`, in the owner's personal project, where
 * the imported workflows live), as a user would in Overview → Data tables.
 *
 * Data Tables need a running n8n: `n8n execute` does not load n8n's modules, so a workflow using
 * the Data Table node fails there ("the module is disabled"); run it from the editor.
 */
import { n8nData } from './n8nRest';

export interface DataTableDefinition {
	name: string;
	columns: Array<{ name: string; type: 'string' | 'number' | 'boolean' | 'date' }>;
}

/** One row per vehicle; column names as INVERS names the values. */
export const FLEET_STATE_TABLE: DataTableDefinition = {
	name: 'invers_fleet_state',
	columns: [
		{ name: 'vehicle_id', type: 'string' },
		{ name: 'state_of_charge_or_fuel_level_in_percent', type: 'number' },
		{ name: 'mileage_in_kilometers', type: 'number' },
		{ name: 'position_lat', type: 'number' },
		{ name: 'position_lon', type: 'number' },
		{ name: 'life_status', type: 'string' },
		{ name: 'operation_status', type: 'string' },
		{ name: 'state_recorded_at', type: 'date' },
		{ name: 'vehicle_modified_at', type: 'date' },
	],
};

export interface DataTableRef {
	id: string;
	projectId: string;
}

/** The data table of that name in the owner's personal project, created when missing. */
export async function ensureDataTable(
	url: string,
	cookie: string,
	table: DataTableDefinition,
): Promise<DataTableRef> {
	const project = await n8nData<{ id: string }>(url, cookie, 'GET', '/projects/personal');
	const existing = await n8nData<{ data: Array<{ id: string; name: string; projectId: string }> }>(
		url,
		cookie,
		'GET',
		`/data-tables-global?filter=${encodeURIComponent(JSON.stringify({ name: table.name }))}`,
	);
	const found = existing.data.find(
		(candidate) => candidate.name === table.name && candidate.projectId === project.id,
	);
	if (found) return { id: found.id, projectId: project.id };
	const created = await n8nData<{ id: string }>(
		url,
		cookie,
		'POST',
		`/projects/${project.id}/data-tables`,
		table,
	);
	return { id: created.id, projectId: project.id };
}

/** Every row of a data table (pages of 1,000). */
export async function dataTableRows(
	url: string,
	cookie: string,
	table: DataTableRef,
): Promise<Array<Record<string, unknown>>> {
	const rows: Array<Record<string, unknown>> = [];
	for (;;) {
		const page = await n8nData<{ count: number; data: Array<Record<string, unknown>> }>(
			url,
			cookie,
			'GET',
			`/projects/${table.projectId}/data-tables/${table.id}/rows?skip=${rows.length}&take=1000`,
		);
		rows.push(...page.data);
		if (page.data.length === 0 || rows.length >= page.count) return rows;
	}
}
