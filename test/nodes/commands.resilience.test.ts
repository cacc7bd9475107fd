import type { IDataObject } from 'n8n-workflow';

import { useSimulator } from '../harness/simulatorFixture';
import {
	COMMAND_ROUTE,
	commandsFor,
	readyVehicles,
	requestsTo,
	runCommands,
	sendCommandParameters,
} from './commandsTestKit';

const sim = useSimulator({ fleetSize: 40 });
const COMMAND_PATH = '/commands/';

beforeEach(() => {
	sim().faults.clear();
	sim().config.commandLatencyMs = 0;
	sim().config.rateLimit = undefined;
});

/** Sends DRAW_ATTENTION to a fresh vehicle; returns the run and how often INVERS saw / executed it. */
async function sendOnce(skip: number, options: IDataObject = {}) {
	const [id] = readyVehicles(sim(), 'DRAW_ATTENTION', 1, skip);
	const requests = requestsTo(sim(), COMMAND_ROUTE);
	const executed = commandsFor(sim(), id).length;
	const result = await runCommands(sim(), sendCommandParameters(id, 'DRAW_ATTENTION', options));
	return {
		...result,
		id,
		requests: requestsTo(sim(), COMMAND_ROUTE) - requests,
		executed: commandsFor(sim(), id).length - executed,
	};
}

describe('a command is never sent twice', () => {
	test('500 after the vehicle executed it: one request, an error saying so', async () => {
		sim().faults.add({
			method: 'POST',
			path: COMMAND_PATH,
			kind: 'status',
			status: 500,
			executeBeforeFault: true,
		});
		const { error, requests, executed, id } = await sendOnce(0);
		expect(requests).toBe(1);
		expect(executed).toBe(1);
		expect(error?.httpCode).toBe('500');
		// The message alone says it may have run and what to do: an AI agent is told nothing else.
		expect(error?.message).toBe(
			`Command DRAW_ATTENTION to vehicle ${id} may or may not have been carried out (INVERS answered 500: internal server error): check the vehicle's latest state before sending it again.`,
		);
		expect(error?.description).toContain('the command may or may not have been carried out');
	});

	test('503 gateway page after execution: one request, "may or may not have been carried out"', async () => {
		sim().faults.add({
			method: 'POST',
			path: COMMAND_PATH,
			kind: 'html',
			status: 503,
			executeBeforeFault: true,
		});
		const { error, requests, executed } = await sendOnce(1);
		expect(requests).toBe(1);
		expect(executed).toBe(1);
		expect(error?.description).toContain('may or may not have been carried out');
	});

	test('dropped connection: one request, the error says it may or may not have reached the vehicle', async () => {
		sim().faults.add({
			method: 'POST',
			path: COMMAND_PATH,
			kind: 'drop',
			executeBeforeFault: true,
		});
		const { error, requests, executed, id } = await sendOnce(2);
		expect(requests).toBe(1);
		expect(executed).toBe(1);
		expect(error?.message).toBe(
			`Command DRAW_ATTENTION to vehicle ${id} may or may not have been carried out (it was sent, but no answer came back): check the vehicle's latest state before sending it again.`,
		);
		expect(error?.description).toContain('never resent automatically');
	});

	test('timeout while the vehicle is slow: one request, same warning', async () => {
		sim().faults.add({ method: 'POST', path: COMMAND_PATH, kind: 'slow', delayMs: 2500 });
		const { error, requests } = await sendOnce(3, { timeout: 1 });
		expect(requests).toBe(1);
		expect(error?.message).toContain(
			'may or may not have been carried out (it was sent, but no answer came back in time)',
		);
	});
});

describe('a command is resent only where INVERS certainly did not execute it', () => {
	test('429 then success: waited, sent again, executed once', async () => {
		sim().faults.add({
			method: 'POST',
			path: COMMAND_PATH,
			kind: 'rate-limit',
			retryAfterSeconds: 1,
		});
		const limited = sim().stats.rateLimited;
		const started = Date.now();
		const { error, items, requests, executed } = await sendOnce(4);
		expect(error).toBeUndefined();
		expect(items[0].json.command).toBe('DRAW_ATTENTION');
		expect(requests).toBe(2);
		expect(executed).toBe(1);
		expect(sim().stats.rateLimited - limited).toBe(1);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	});

	test('a token renewed for one parallel command is taken by the other, not renewed again', async () => {
		// Two commands leave with the same token, which expires on the way; the API turns the first
		// away after 200 ms and the second after 600 ms. The first 401 renews the token; the second
		// must take that token, not refuse it as if it were the one it sent and fetch another.
		const [fast, slow] = readyVehicles(sim(), 'DRAW_ATTENTION', 2, 6);
		await sendOnce(8); // a token at hand
		for (const [id, delayMs] of [
			[fast, 200],
			[slow, 600],
		] as const) {
			sim().faults.add({
				kind: 'slow',
				method: 'POST',
				path: `/${id}/commands/`,
				delayMs,
				times: 1,
			});
		}
		const tokens = sim().stats.tokenRequests;
		const requests = requestsTo(sim(), COMMAND_ROUTE);
		const executed = [fast, slow].map((id) => commandsFor(sim(), id).length);
		const expiry = new Promise((resolve) => setTimeout(resolve, 100)).then(() =>
			sim().expireTokens(),
		);
		const { error, items } = await runCommands(
			sim(),
			sendCommandParameters('={{ $json.id }}', 'DRAW_ATTENTION'),
			[{ id: fast }, { id: slow }],
		);
		await expiry;
		expect(error).toBeUndefined();
		expect(items).toHaveLength(2);
		expect(requestsTo(sim(), COMMAND_ROUTE) - requests).toBe(4);
		expect([fast, slow].map((id) => commandsFor(sim(), id).length)).toEqual(
			executed.map((count) => count + 1),
		);
		expect(sim().stats.tokenRequests - tokens).toBe(1);
	});

	test('expired token: a new one is fetched and the command executed once', async () => {
		await sendOnce(5);
		sim().expireTokens();
		const tokens = sim().stats.tokenRequests;
		const { error, executed } = await sendOnce(5);
		expect(error).toBeUndefined();
		expect(executed).toBe(1);
		expect(sim().stats.tokenRequests - tokens).toBe(1);
	});
});

/** The largest number of commands the simulator was executing at the same moment. */
function maxOverlap(sinceIndex: number, latencyMs: number): number {
	const events: Array<[time: number, delta: number]> = [];
	for (const { at } of sim().stats.commandsReceived.slice(sinceIndex)) {
		const end = Date.parse(at);
		events.push([end - latencyMs, +1], [end, -1]);
	}
	// At equal times an end comes first: back-to-back commands do not overlap.
	events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let current = 0;
	let max = 0;
	for (const [, delta] of events) {
		current += delta;
		max = Math.max(max, current);
	}
	return max;
}

describe('many items: bounded parallelism, input order, rate limits', () => {
	test('output keeps input order and pairing although commands finish out of order', async () => {
		sim().config.commandLatencyMs = 40;
		const ids = readyVehicles(sim(), 'REQUEST_VEHICLE_STATE', 10, 10);
		// The first and fourth vehicle answer late, so later items finish first.
		sim().faults.add({ method: 'POST', path: `/vehicles/${ids[0]}/`, kind: 'slow', delayMs: 300 });
		sim().faults.add({ method: 'POST', path: `/vehicles/${ids[3]}/`, kind: 'slow', delayMs: 150 });
		const since = sim().stats.commandsReceived.length;
		const { items, error } = await runCommands(
			sim(),
			sendCommandParameters('={{ $json.id }}', 'REQUEST_VEHICLE_STATE'),
			ids.map((id) => ({ id })),
		);
		expect(error).toBeUndefined();
		const finished = sim()
			.stats.commandsReceived.slice(since)
			.map((c) => c.vehicleId);
		expect(finished).not.toEqual(ids);
		expect(finished[finished.length - 1]).toBe(ids[0]);
		expect(items.map((item) => item.json.vehicle_id)).toEqual(ids);
		expect(items.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
	});

	test.each([
		['3', 3, 3],
		['default', undefined, 5],
	])(
		'Parallel Commands %s: commands travel at most that many at once',
		async (_label, parallel, expected) => {
			const latency = 120;
			sim().config.commandLatencyMs = latency;
			const ids = readyVehicles(sim(), 'REQUEST_VEHICLE_STATE', 15, 0);
			const since = sim().stats.commandsReceived.length;
			const started = Date.now();
			const { items, error } = await runCommands(
				sim(),
				sendCommandParameters(
					'={{ $json.id }}',
					'REQUEST_VEHICLE_STATE',
					parallel === undefined ? {} : { parallelCommands: parallel },
				),
				ids.map((id) => ({ id })),
			);
			const elapsed = Date.now() - started;
			expect(error).toBeUndefined();
			expect(items).toHaveLength(15);
			expect(maxOverlap(since, latency)).toBe(expected);
			// 15 commands in waves of `expected`: never faster than the waves allow.
			expect(elapsed).toBeGreaterThanOrEqual(Math.ceil(15 / expected) * latency);
		},
	);

	test('a tight rate limit: no error surfaces, each command executed exactly once', async () => {
		sim().config.rateLimit = { limit: 4, windowMs: 500 };
		sim().config.commandLatencyMs = 20;
		const ids = readyVehicles(sim(), 'REQUEST_VEHICLE_STATE', 16, 20);
		const since = sim().stats.commandsReceived.length;
		const limitedBefore = sim().stats.rateLimited;
		const { items, error } = await runCommands(
			sim(),
			sendCommandParameters('={{ $json.id }}', 'REQUEST_VEHICLE_STATE', { parallelCommands: 8 }),
			ids.map((id) => ({ id })),
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.vehicle_id)).toEqual(ids);
		const executed = sim()
			.stats.commandsReceived.slice(since)
			.map((c) => c.vehicleId);
		expect([...executed].sort()).toEqual([...ids].sort());
		// Paced by the rate-limit headers: only the very first burst, sent before any answer told the
		// limit, can run into 429s; every later window is entered with at most `limit` requests.
		expect(sim().stats.rateLimited - limitedBefore).toBeLessThanOrEqual(8 - 4);
	});
});
