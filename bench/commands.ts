/**
 * Benchmark: sending one command to each of 500 vehicles whose commands take 1 s to travel.
 *
 *   npm run bench:commands -- [--vehicles=500] [--latency-ms=1000] [--sequential=500]
 *                             [--rate-limit=4/1000] [--rate-limit-vehicles=500] [--no-extra]
 *
 * 1. Sequential baseline: one command after the other, as a loop of HTTP Request nodes sends them
 *    (plain fetch with a bearer token, nothing in between). With --sequential=N below --vehicles
 *    only N are sent and the time is extrapolated linearly (each command costs the same latency,
 *    one at a time), printed as such.
 * 2. The INVERS Vehicle Commands node with its default (5 parallel commands), run through n8n-core's
 *    real WorkflowExecute.
 * 3. Extra: the node with 20 parallel commands (skipped with --no-extra).
 * 4. The node at its default under a tight simulator rate limit: no rate-limit error may surface.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { commandPathSegment, paths, TOKEN_PATH } from '../nodes/shared/contract';
import type { Simulator } from '../simulator';
import { DEMO_CLIENT, startSimulator } from '../simulator';
import { TestCredentials, runNode } from '../test/harness/workflowRunner';

const COMMAND = 'REQUEST_VEHICLE_STATE';

function argument(name: string, fallback: string): string {
	const prefix = `--${name}=`;
	const found = process.argv.find((arg) => arg.startsWith(prefix));
	return found ? found.slice(prefix.length) : fallback;
}

const vehicles = Number(argument('vehicles', '500'));
const latencyMs = Number(argument('latency-ms', '1000'));
const sequentialCount = Math.min(vehicles, Number(argument('sequential', String(vehicles))));
const [limit, windowMs] = argument('rate-limit', '4/1000').split('/').map(Number);
const rateLimitVehicles = Number(argument('rate-limit-vehicles', String(vehicles)));
const extra = !process.argv.includes('--no-extra');

async function fleet(): Promise<Simulator> {
	const sim = await startSimulator({ fleetSize: vehicles, commandLatencyMs: latencyMs });
	// Every vehicle takes the command: the seeded fleet has offline and partner-shared ones.
	for (const id of sim.vehicleIds()) {
		sim.setVehicleFlags(id, { lifeStatus: 'ONLINE', sharedWithPartner: false });
	}
	return sim;
}

async function sequential(sim: Simulator, ids: string[]): Promise<{ ms: number; failed: number }> {
	const basic = Buffer.from(`${DEMO_CLIENT.clientId}:${DEMO_CLIENT.clientSecret}`).toString(
		'base64',
	);
	const started = performance.now();
	const tokenResponse = await fetch(`${sim.url}${TOKEN_PATH}`, {
		method: 'POST',
		headers: { Authorization: `Basic ${basic}` },
	});
	const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
	let failed = 0;
	for (const id of ids) {
		const response = await fetch(
			`${sim.url}${paths.vehicleCommand(id, commandPathSegment(COMMAND))}`,
			{ method: 'POST', headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } },
		);
		await response.arrayBuffer();
		if (!response.ok) failed++;
	}
	return { ms: performance.now() - started, failed };
}

interface NodeRun {
	ms: number;
	ok: number;
	failed: number;
	executed: number;
	rateLimited: number;
	firstError?: string;
}

async function viaNode(sim: Simulator, ids: string[], options: IDataObject = {}): Promise<NodeRun> {
	const credentials = new TestCredentials({
		baseUrl: sim.url,
		clientId: DEMO_CLIENT.clientId,
		clientSecret: DEMO_CLIENT.clientSecret,
	});
	const executedBefore = sim.stats.commandsReceived.length;
	const limitedBefore = sim.stats.rateLimited;
	const started = performance.now();
	const { items, error } = await runNode({
		node: 'inversVehicleCommands',
		// Version 1's Send Command, the command by name; version 2 sends the same way.
		typeVersion: 1,
		parameters: {
			resource: 'vehicle',
			operation: 'sendCommand',
			vehicle: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
			command: COMMAND,
			options: options as INodeParameters,
		},
		items: ids.map((id) => ({ id })),
		credentials,
		// Failures become items, so that every one is counted instead of stopping at the first.
		continueOnFail: true,
	});
	const ms = performance.now() - started;
	const failedItems = items.filter((item) => item.json.error !== undefined);
	const inOrder = items.every(
		(item, index) => item.json.vehicle_id === ids[index] || item.json.error,
	);
	if (!inOrder) throw new Error('output order differs from input order');
	return {
		ms,
		ok: items.length - failedItems.length,
		failed: failedItems.length + (error ? 1 : 0),
		executed: sim.stats.commandsReceived.length - executedBefore,
		rateLimited: sim.stats.rateLimited - limitedBefore,
		firstError: error?.message ?? (failedItems[0]?.json.error as string | undefined),
	};
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
	console.log(
		`Commands benchmark: ${vehicles} vehicles, command latency ${latencyMs} ms, command ${COMMAND}\n`,
	);
	const sim = await fleet();
	try {
		const ids = sim.vehicleIds();

		const seq = await sequential(sim, ids.slice(0, sequentialCount));
		const extrapolated = sequentialCount < vehicles;
		const seqMs = (seq.ms / sequentialCount) * vehicles;
		console.log(
			`sequential (fetch loop, one at a time): ${seconds(seqMs)} for ${vehicles}` +
				(extrapolated
					? ` — EXTRAPOLATED from ${sequentialCount} commands measured in ${seconds(seq.ms)} (one at a time, every command costs the same latency, so time grows linearly)`
					: ' (measured)') +
				`, ${seq.failed} failed`,
		);

		const node = await viaNode(sim, ids);
		console.log(
			`node, default 5 parallel:               ${seconds(node.ms)} for ${vehicles} (measured), ${node.ok} ok, ${node.failed} failed, ${node.executed} executed`,
		);
		console.log(`  → ${(seqMs / node.ms).toFixed(2)}x faster than sequential (target ≥ 4x)`);

		if (extra) {
			const wide = await viaNode(sim, ids, { parallelCommands: 20 });
			console.log(
				`node, 20 parallel:                      ${seconds(wide.ms)} for ${vehicles} (measured), ${wide.ok} ok, ${wide.failed} failed → ${(seqMs / wide.ms).toFixed(2)}x`,
			);
		}

		sim.config.rateLimit = { limit, windowMs };
		const limitedIds = ids.slice(0, rateLimitVehicles);
		const limited = await viaNode(sim, limitedIds);
		const floorMs = (limitedIds.length / limit) * windowMs;
		console.log(
			`node, default 5 parallel, rate limit ${limit} per ${windowMs} ms: ${seconds(limited.ms)} for ${limitedIds.length} (the limit alone needs ≥ ${seconds(floorMs)}), ` +
				`${limited.ok} ok, ${limited.failed} failed, ${limited.executed} executed, ${limited.rateLimited} 429s absorbed` +
				(limited.firstError ? ` — first error: ${limited.firstError}` : ''),
		);
		if (limited.failed > 0 || limited.executed !== limitedIds.length) {
			process.exitCode = 1;
			console.log('  ✗ rate-limit errors surfaced or commands were lost/duplicated');
		} else {
			console.log('  ✓ no rate-limit error surfaced; every command executed exactly once');
		}
	} finally {
		await sim.close();
	}
}

main().catch((error) => {
	console.error(error);
	process.exitCode = 1;
});
