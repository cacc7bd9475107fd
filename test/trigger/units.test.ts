import { DateTime } from 'luxon';

import { settlementFor, outcomeOfRun } from '../../nodes/InversTrigger/ack/ackModes';
import { ExecutionSlots } from '../../nodes/InversTrigger/ack/executionSlots';
import { FailedAttempts } from '../../nodes/InversTrigger/ack/failedAttempts';
import {
	amqpTargetFromCredential,
	describeConnectError,
} from '../../nodes/InversTrigger/amqp/connect';
import { DedupeWindow } from '../../nodes/InversTrigger/dedupe';
import { normalizeTimestamp, parseEvent } from '../../nodes/InversTrigger/events/parseEvent';
import { simplifyState } from '../../nodes/InversTrigger/simplifyState';
import { fakeRun } from '../harness/trigger';

describe('settlementFor', () => {
	it.each([
		['executionFinished', 'failure', 1, 'requeueOnce', 'ack'],
		['executionFinished', 'timeout', 2, 'requeueOnce', 'ack'],
		['executionSucceeded', 'success', 0, 'requeueOnce', 'ack'],
		['executionSucceeded', 'failure', 1, 'requeueOnce', 'requeue'],
		['executionSucceeded', 'failure', 2, 'requeueOnce', 'reject'],
		['executionSucceeded', 'timeout', 1, 'requeueOnce', 'requeue'],
		['executionSucceeded', 'failure', 1, 'deadLetter', 'reject'],
	] as const)('%s + %s (failure %s, %s) → %s', (mode, outcome, failures, onFailure, expected) => {
		expect(settlementFor(mode, outcome, failures, onFailure)).toBe(expected);
	});

	it('reads the run', () => {
		expect(outcomeOfRun(fakeRun('success'))).toBe('success');
		expect(outcomeOfRun(fakeRun('error'))).toBe('failure');
		expect(outcomeOfRun(undefined)).toBe('failure');
	});
});

describe('DedupeWindow', () => {
	it('tracks in-flight, done and failed ids', () => {
		const window = new DedupeWindow<string>(100, 60_000);
		expect(window.check('a', 'copy1').kind).toBe('new');
		expect(window.check('a', 'copy2').kind).toBe('parked');
		expect(window.finish('a', true)).toEqual(['copy2']);
		expect(window.check('a', 'copy3').kind).toBe('duplicate');
		expect(window.check('b', 'x').kind).toBe('new');
		window.finish('b', false);
		expect(window.check('b', 'y').kind).toBe('new');
	});

	it('is bounded in size and time', () => {
		let now = 0;
		const window = new DedupeWindow<string>(3, 1000, () => now);
		for (const id of ['a', 'b', 'c', 'd']) {
			window.check(id, id);
			window.finish(id, true);
		}
		expect(window.size).toBeLessThanOrEqual(3);
		expect(window.check('a', 'a').kind).toBe('new');
		now = 5000;
		expect(window.check('d', 'd').kind).toBe('new');
	});
});

describe('FailedAttempts', () => {
	it('counts failures per event until it is settled, keeping at most the cap', () => {
		const attempts = new FailedAttempts(2);
		expect(attempts.fail('a')).toBe(1);
		expect(attempts.fail('a')).toBe(2);
		attempts.forget('a');
		expect(attempts.fail('a')).toBe(1);
		attempts.fail('b');
		attempts.fail('a'); // a failed last: b is the oldest
		attempts.fail('c');
		expect(attempts.size).toBe(2);
		// Dropped from the cap: one more try, never a lost event.
		expect(attempts.fail('b')).toBe(1);
		expect(attempts.fail('c')).toBe(2);
	});
});

describe('ExecutionSlots', () => {
	it('hands a freed slot to the longest waiting, and gives the waiting ones up on close', async () => {
		const slots = new ExecutionSlots(1);
		expect(slots.acquire()).toBeUndefined();
		const second = slots.acquire()!;
		const third = slots.acquire()!;
		slots.release();
		await expect(second).resolves.toBe(true);
		expect(slots.running).toBe(1);
		slots.cancelWaiting();
		await expect(third).resolves.toBe(false);
		slots.release();
		expect(slots.running).toBe(0);
	});
});

describe('parseEvent', () => {
	const body = (value: unknown) => Buffer.from(JSON.stringify(value));

	it('falls back to the AMQP properties and normalizes timestamps', () => {
		const result = parseEvent(body({ metadata: {}, data: {} }), {
			messageId: 'm1',
			type: 'VehicleDataChanged',
			timestamp: 1767268800,
			correlationId: 'f1',
			headers: { schema_major_version: 2 },
		});
		expect(result).toMatchObject({
			ok: true,
			event: {
				id: 'm1',
				type: 'VehicleChanged',
				legacyType: 'VehicleDataChanged',
				occurredAt: '2026-01-01T12:00:00.000Z',
				flowId: 'f1',
				schemaMajorVersion: 2,
			},
		});
	});

	it.each([
		['not json', Buffer.from('nope'), 'notJson'],
		['an array', body([1]), 'notAnObject'],
		['no metadata', body({ data: {} }), 'noMetadata'],
		['no id', body({ metadata: { type: 'X' } }), 'noId'],
		['no type', body({ metadata: { id: 'x' } }), 'noType'],
	])('rejects %s', (_name, content, reason) => {
		expect(parseEvent(content)).toEqual({ ok: false, reason });
	});
});

describe('simplifyState', () => {
	it('flattens { timestamp, value } and keeps the newest timestamp', () => {
		expect(
			simplifyState({
				central_lock: { timestamp: '2026-01-01T10:00:00Z', value: 'LOCKED' },
				position: { timestamp: '2026-01-01T11:00:00.250Z', value: { lat: 1, lon: 2 } },
				plain: 5,
			}),
		).toEqual({
			state: { central_lock: 'LOCKED', position: { lat: 1, lon: 2 }, plain: 5 },
			newestTimestamp: '2026-01-01T11:00:00.250Z',
		});
		expect(simplifyState(null)).toEqual({ state: {} });
	});
});

describe('amqpTargetFromCredential', () => {
	it('uses TLS on 5671 unless TLS is turned off', () => {
		expect(amqpTargetFromCredential({ amqpHost: 'api.invers.com', amqpPort: 5671 })).toMatchObject({
			protocol: 'amqps',
			hostname: 'api.invers.com',
			port: 5671,
		});
		expect(
			amqpTargetFromCredential({ amqpHost: '127.0.0.1', amqpTls: false, amqpPort: '' }),
		).toMatchObject({
			protocol: 'amqp',
			port: 5672,
		});
	});

	it('describes failures without the password', () => {
		const target = amqpTargetFromCredential({
			amqpUsername: 'consumer-1',
			amqpPassword: 'pw-secret',
			amqpVhost: 'fleet-1',
		});
		const refused = describeConnectError(
			new Error('Handshake terminated by server: 403 (ACCESS-REFUSED)'),
			target,
		);
		expect(refused.message).toContain('"consumer-1"');
		const tls = describeConnectError(
			Object.assign(new Error('wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' }),
			target,
		);
		expect(tls.message).toMatch(/TLS handshake with amqps:\/\/api.invers.com:5671/);
		for (const error of [refused, tls]) expect(error.message).not.toContain('pw-secret');
	});
});

describe('normalizeTimestamp', () => {
	it.each([
		['2026-01-01T12:00:00Z', '2026-01-01T12:00:00.000Z'],
		['2026-01-01T12:00:00.5Z', '2026-01-01T12:00:00.500Z'],
		['2026-01-01T14:00:00+02:00', '2026-01-01T12:00:00.000Z'],
		['2026-01-01T12:00:00.123456Z', '2026-01-01T12:00:00.123Z'],
		['2026-13-01T00:00:00Z', '2026-13-01T00:00:00Z'],
		['2026-01-01T12:00:00.123Z', '2026-01-01T12:00:00.123Z'],
		// Date.parse rolls these over to March 1; luxon rejects them, so they stay as received.
		['2024-02-30T00:00:00Z', '2024-02-30T00:00:00Z'],
		['2023-02-29T10:00:00.000Z', '2023-02-29T10:00:00.000Z'],
		['2024-02-29T10:00:00.000Z', '2024-02-29T10:00:00.000Z'],
		['2024-01-31T24:00:00Z', '2024-02-01T00:00:00.000Z'],
		['yesterday', 'yesterday'],
	])('%s → %s', (input, expected) => {
		expect(normalizeTimestamp(input)).toBe(expected);
	});

	it('reads every UTC form exactly as luxon does', () => {
		const digits = (n: number, width: number) => String(n).padStart(width, '0');
		const mismatches: string[] = [];
		for (let i = 0; i < 5_000; i++) {
			const pick = (n: number) => Math.floor(Math.random() * n);
			const fraction = ['', '.5', '.25', `.${digits(pick(1000), 3)}`][pick(4)];
			const value = `${digits(pick(10_000), 4)}-${digits(pick(14), 2)}-${digits(pick(33), 2)}T${digits(pick(26), 2)}:${digits(pick(61), 2)}:${digits(pick(61), 2)}${fraction}Z`;
			const parsed = DateTime.fromISO(value, { zone: 'utc' });
			const expected = parsed.isValid ? parsed.toISO() : value;
			if (normalizeTimestamp(value) !== expected) mismatches.push(value);
		}
		expect(mismatches).toEqual([]);
	});
});
