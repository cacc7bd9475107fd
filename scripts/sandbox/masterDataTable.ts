/**
 * The PostgreSQL table example 3 (master data sync) writes, created by `npm start` in the database
 * of the sandbox's Postgres credential, so the example can be published at once. The same table is
 * shown in examples/README.md for a database of the user's own; keep the two alike.
 *
 * The client is `pg` from the n8n installation in the cache (n8n's Postgres node uses it): the
 * package itself has no runtime dependency on it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

import { N8N_DIR } from './paths';
import { sandboxPostgresCredential } from './postgresCredential';

export const MASTER_DATA_TABLE = 'invers_vehicles';

export const CREATE_MASTER_DATA_TABLE = `CREATE TABLE IF NOT EXISTS ${MASTER_DATA_TABLE} (
	id text PRIMARY KEY,
	license_plate text,
	vin text,
	brand text,
	model text,
	operation_status text,
	life_status text,
	rental_status text,
	tags text[],
	modified_at timestamptz
)`;

interface PgClient {
	connect(): Promise<void>;
	query(sql: string): Promise<unknown>;
	end(): Promise<void>;
}
type PgModule = { Client: new (config: Record<string, unknown>) => PgClient };

/**
 * Creates the table unless it exists. Resolves with undefined when the table is there, or with
 * the reason it could not be (no database reachable, no permission): example 3 then stays
 * unpublished and the banner says why.
 */
export async function ensureMasterDataTable(): Promise<string | undefined> {
	const { data } = sandboxPostgresCredential();
	const where = `PostgreSQL at ${data.host}:${data.port}, database ${data.database}, user ${data.user}`;
	let pg: PgModule;
	try {
		pg = createRequire(path.join(N8N_DIR, 'package.json'))('pg') as PgModule;
	} catch (error) {
		return `no PostgreSQL client in n8n's installation (${(error as Error).message})`;
	}
	const client = new pg.Client({
		host: data.host,
		port: data.port,
		database: data.database,
		user: data.user,
		password: data.password,
		connectionTimeoutMillis: 5_000,
	});
	try {
		await client.connect();
		await client.query(CREATE_MASTER_DATA_TABLE);
		return undefined;
	} catch (error) {
		return `${where}: ${(error as Error).message}`;
	} finally {
		await client.end().catch(() => undefined);
	}
}
