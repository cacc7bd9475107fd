/**
 * A write is reported as "may or may not have been carried out" only when its request may have
 * reached INVERS. Every rule that building a request applies is checked before the first item is
 * sent, and an error raised before a request left is "failed, not sent", never uncertain.
 */
import { request } from 'node:http';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
	failedBeforeSending,
	isNetworkFailure,
	readHttpFailure,
} from '../../nodes/shared/transport/httpFailure';

import { management } from '../harness/params';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { TestCredentials, runNode } from '../harness/workflowRunner';
import {
	COMMAND_ROUTE,
	readyVehicles,
	requestsTo,
	runCommands,
	sendCommandParameters,
} from './commandsTestKit';

const sim = useSimulator({ fleetSize: 30 });

beforeEach(() => {
	sim().faults.clear();
	sim().config.commandLatencyMs = 0;
});

/** A well-formed command name, 74 characters long: longer than a path segment may be. */
const LONG_COMMAND = `UNLOCK_${'VERY_'.repeat(12)}LONG_UP`;

function batchOutcomes(error: { context?: IDataObject } | undefined): string[] {
	const batch = (error?.context?.data as { batch?: { items: Array<{ outcome: string }> } })?.batch;
	return batch?.items.map((item) => item.outcome) ?? [];
}

describe('Send Command: a command name longer than the API allows', () => {
	test('fails the node before the first command goes out, naming the field and the length', async () => {
		expect(LONG_COMMAND).toHaveLength(74);
		const ids = readyVehicles(sim(), 'DRAW_ATTENTION', 3);
		const posts = requestsTo(sim(), COMMAND_ROUTE);
		const { error } = await runCommands(
			sim(),
			sendCommandParameters('={{ $json.id }}', '={{ $json.command }}'),
			ids.map((id, index) => ({ id, command: index === 2 ? LONG_COMMAND : 'DRAW_ATTENTION' })),
		);
		expect(requestsTo(sim(), COMMAND_ROUTE)).toBe(posts);
		expect(error?.message).toBe(
			`The field "Command" holds "${LONG_COMMAND}", which is too long for a command: at most 64 characters, it has 74`,
		);
		expect(error?.context?.itemIndex).toBe(2);
		expect(error?.description).toContain('Nothing was sent');
	});

	test('with Continue On Fail: that item fails as not sent, the others are carried out', async () => {
		const ids = readyVehicles(sim(), 'DRAW_ATTENTION', 3, 3);
		const { items, error } = await runCommands(
			sim(),
			sendCommandParameters('={{ $json.id }}', '={{ $json.command }}'),
			ids.map((id, index) => ({ id, command: index === 1 ? LONG_COMMAND : 'DRAW_ATTENTION' })),
			true,
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.skipped ?? item.json.details)).toEqual([
			false,
			expect.objectContaining({ outcome: 'failed', field: 'Command' }),
			false,
		]);
	});
});

describe('Update: an ETag that cannot travel in a header', () => {
	test.each([
		['a line break', '"ab\ncd"'],
		['typographic quotes', '“abc”'],
	])('with %s fails the node before the first PATCH, naming the field', async (_, etag) => {
		const ids = sim().vehicleIds().slice(0, 3);
		const patches = requestsTo(sim(), 'PATCH /vehicles/:id');
		const { error } = await runNode({
			node: 'inversVehicleManagement',
			parameters: management('update', {
				vehicle: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				masterData: { custom_name: 'checked first' },
				options: { ifMatch: '={{ $json.etag }}' },
			} as INodeParameters),
			credentials: simulatorCredentials(sim()),
			items: ids.map((id, index) => ({ id, etag: index === 2 ? etag : '' })),
		});
		expect(requestsTo(sim(), 'PATCH /vehicles/:id')).toBe(patches);
		expect(error?.message).toMatch(/^The field "Only If Unchanged Since \(ETag\)" holds /);
		expect(error?.context?.itemIndex).toBe(2);
		expect(error?.description).toContain('Nothing was sent');
	});
});

describe('an error raised before a request left', () => {
	test('is "failed", not "may or may not have been carried out"', async () => {
		// The credential fails as it is opened, before any request: nothing reached INVERS.
		const ids = readyVehicles(sim(), 'DRAW_ATTENTION', 2, 6);
		const credentials = new TestCredentials({
			...simulatorCredentials(sim()).data,
			baseUrl: 'ftp://127.0.0.1/',
		});
		const failed = await runNode({
			node: 'inversVehicleCommands',
			typeVersion: 1,
			parameters: sendCommandParameters('={{ $json.id }}', 'DRAW_ATTENTION', {
				parallelCommands: 1,
			}),
			credentials,
			items: ids.map((id) => ({ id })),
		});
		expect(failed.error?.message).toMatch(/^The credential's Base URL /);
		expect(batchOutcomes(failed.error)).toEqual(['failed', 'not_sent']);
		expect(failed.error?.message).not.toContain('may or may not');

		const continued = await runNode({
			node: 'inversVehicleCommands',
			typeVersion: 1,
			parameters: sendCommandParameters('={{ $json.id }}', 'DRAW_ATTENTION'),
			credentials,
			items: ids.map((id) => ({ id })),
			continueOnFail: true,
		});
		expect(continued.items.map((item) => (item.json.details as IDataObject).outcome)).toEqual([
			'failed',
			'failed',
		]);
	});
});

describe('a request Node.js refuses to build', () => {
	test.each([
		['a header with a line break', { headers: { 'If-Match': '"a\nb"' } }],
		['a path with a space', { path: '/vehicles/A B' }],
	])('(%s) counts as not sent, and is not retried as a network failure', (_, options) => {
		let thrown: unknown;
		try {
			request({ host: '127.0.0.1', port: 9, ...options }).destroy();
		} catch (error) {
			thrown = error;
		}
		const failure = readHttpFailure(thrown);
		expect(failure.code).toMatch(/^ERR_/);
		expect(failedBeforeSending(failure)).toBe(true);
		expect(isNetworkFailure(failure)).toBe(false);
	});
});
