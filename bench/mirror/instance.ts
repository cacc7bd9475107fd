/**
 * n8n instances for `npm run bench:mirror`: a template prepared once (the package installed as a
 * community package, the credentials and every contender's workflow imported, n8n's database
 * migrated), then one fresh copy per contender with only that contender's workflow published, so
 * each contender's CPU and memory are its own. Regular mode keeps n8n's default sqlite database;
 * queue mode runs a main instance and one worker on PostgreSQL and Redis, as
 * test/e2e/queueMode.e2e.test.ts does.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { N8nInstanceOptions, RunningN8n } from '../../scripts/sandbox/n8nInstance';
import {
	installPackage,
	n8nCli,
	ownerSession,
	queueModeEnv,
	startN8n,
} from '../../scripts/sandbox/n8nInstance';
import { freePort } from '../../scripts/sandbox/ports';
import { createDatabase, deleteRedisKeys, dropDatabase, psql } from '../../test/e2e/services';
import { TreeMonitor } from './processTree';

export type Mode = 'regular' | 'queue';

export interface Template {
	mode: Mode;
	userFolder: string;
	/** Queue mode: the PostgreSQL database the copies are made from. */
	database?: string;
	env: NodeJS.ProcessEnv;
}

const RUN = `${process.pid}`;

function modeEnv(mode: Mode, database: string): NodeJS.ProcessEnv {
	const base = { NODE_ENV: 'production', N8N_LOG_LEVEL: 'warn' };
	if (mode === 'regular') return base;
	return {
		...base,
		...queueModeEnv(database, database),
		// The copies share the template's credentials: the same key decrypts them.
		N8N_ENCRYPTION_KEY: `bench-mirror-${RUN}`,
	};
}

async function options(userFolder: string, env: NodeJS.ProcessEnv): Promise<N8nInstanceOptions> {
	return { userFolder, port: await freePort(), runnerBrokerPort: await freePort(), env };
}

/** Installs the package, imports the credentials and workflows (unpublished) once. */
export async function prepareTemplate(
	mode: Mode,
	credentials: unknown[],
	workflows: Array<{ id: string }>,
): Promise<Template> {
	const userFolder = mkdtempSync(path.join(os.tmpdir(), `invers-bench-mirror-${mode}-`));
	const database = mode === 'queue' ? `invers_bench_mirror_${RUN}_template` : undefined;
	if (database) await createDatabase(database);
	const env = modeEnv(mode, database ?? '');
	const instance = await options(userFolder, env);
	await installPackage(userFolder);
	const credentialsFile = path.join(userFolder, 'credentials.json');
	writeFileSync(credentialsFile, JSON.stringify(credentials));
	await n8nCli(instance, ['import:credentials', `--input=${credentialsFile}`]);
	for (const workflow of workflows) {
		const file = path.join(userFolder, `workflow-${workflow.id}.json`);
		writeFileSync(file, JSON.stringify(workflow));
		await n8nCli(instance, ['import:workflow', `--input=${file}`]);
	}
	return { mode, userFolder, database, env };
}

export async function removeTemplate(template: Template): Promise<void> {
	rmSync(template.userFolder, { recursive: true, force: true });
	if (template.database) await dropDatabase(template.database);
}

export interface MirrorN8n {
	url: string;
	cookie: string;
	/** CPU and RSS of n8n's processes (main and, in queue mode, the worker, with their runners). */
	monitor: TreeMonitor;
	/** The PostgreSQL database of a queue-mode copy (undefined: sqlite). */
	database?: string;
	log(): string;
	stop(): Promise<void>;
}

/** A copy of the template with some workflows published, started (and its worker, in queue mode). */
export async function startCopy(
	template: Template,
	label: string,
	workflowIds: string[],
): Promise<MirrorN8n> {
	const userFolder = mkdtempSync(path.join(os.tmpdir(), `invers-bench-mirror-${label}-`));
	cpSync(template.userFolder, userFolder, { recursive: true });
	let database: string | undefined;
	let env = template.env;
	if (template.database) {
		database = `invers_bench_mirror_${RUN}_${label.replace(/\W/g, '_')}`;
		await psql('postgres', `DROP DATABASE IF EXISTS "${database}"`);
		await psql('postgres', `CREATE DATABASE "${database}" TEMPLATE "${template.database}"`);
		env = { ...modeEnv('queue', database) };
	}
	const instance = await options(userFolder, env);
	for (const id of workflowIds) await n8nCli(instance, ['publish:workflow', `--id=${id}`]);
	const processes: RunningN8n[] = [];
	const cleanUp = async () => {
		for (const running of processes.reverse()) await running.stop();
		rmSync(userFolder, { recursive: true, force: true });
		if (database) {
			await dropDatabase(database);
			await deleteRedisKeys(`bull-${database}`).catch(() => undefined);
			await deleteRedisKeys(`n8n:cache-${database}`).catch(() => undefined);
		}
	};
	try {
		const main = await startN8n(instance);
		processes.push(main);
		if (template.mode === 'queue') {
			const healthPort = await freePort();
			processes.push(
				await startN8n(
					{
						...instance,
						port: healthPort,
						runnerBrokerPort: await freePort(),
						env: {
							...env,
							QUEUE_HEALTH_CHECK_ACTIVE: 'true',
							QUEUE_HEALTH_CHECK_PORT: String(healthPort),
						},
					},
					['worker', '--concurrency=10'],
				),
			);
		}
		const cookie = await ownerSession(main.url);
		const monitor = new TreeMonitor(processes.map((running) => running.process.pid!));
		return {
			url: main.url,
			cookie,
			monitor,
			database,
			log: () =>
				processes
					.map(
						(running, index) => `--- ${index ? 'worker' : 'main'}:\n${running.log().slice(-4000)}`,
					)
					.join('\n'),
			stop: cleanUp,
		};
	} catch (error) {
		await cleanUp();
		throw error;
	}
}
