/**
 * The Postgres credential the "Master data sync" example refers to (id inversPostgres01): a local
 * PostgreSQL, overridable with the usual PG* variables. Only that example uses it; it fails only
 * when run without a reachable database (create the table of examples/README.md there first).
 */
export const SANDBOX_POSTGRES_CREDENTIAL_ID = 'inversPostgres01';

export function sandboxPostgresCredential(database = process.env.PGDATABASE ?? 'postgres') {
	return {
		id: SANDBOX_POSTGRES_CREDENTIAL_ID,
		name: 'Postgres (local)',
		type: 'postgres',
		data: {
			host: process.env.PGHOST ?? '127.0.0.1',
			port: Number(process.env.PGPORT ?? 5432),
			database,
			user: process.env.PGUSER ?? 'postgres',
			password: process.env.PGPASSWORD ?? '',
			ssl: 'disable',
		},
	};
}
