import { DateTime } from 'luxon';

import { settlementFor, outcomeOfRun } from '../../nodes/InversTrigger/ack/ackModes';
import { ExecutionSlots } from '../../nodes/InversTrigger/ack/executionSlots';
import { FailedAttempts } from '../../nodes/InversTrigger/ack/failedAttempts';
import {
	amqpTargetFromCredential,
	describeConnectError,
} from '../../nodes/InversTrigger/amqp/connect';
import { DedupeWindow } from '../../nodes/InversTrigger/dedupe';
import { arenaBytes, hashId, RecentIds } from '../../nodes/InversTrigger/recentIds';
import { normalizeTimestamp, parseEvent } from '../../nodes/InversTrigger/events/parseEvent';
import { readTimestamp } from '../../nodes/InversTrigger/events/timestamps';
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
	const MB = 2 ** 20;

	it('tracks in-flight, done and failed ids', () => {
		const window = new DedupeWindow<string>(60_000, { maxBytes: MB });
		expect(window.check('a', 'copy1').kind).toBe('new');
		expect(window.check('a', 'copy2').kind).toBe('parked');
		expect(window.finish('a', true)).toEqual(['copy2']);
		expect(window.check('a', 'copy3').kind).toBe('duplicate');
		expect(window.check('b', 'x').kind).toBe('new');
		window.finish('b', false);
		expect(window.check('b', 'y').kind).toBe('new');
	});

	it('forgets ids older than the window, and only those', () => {
		let now = 0;
		const window = new DedupeWindow<string>(1000, { maxBytes: MB, now: () => now });
		for (const id of ['a', 'b']) {
			window.check(id, id);
			window.finish(id, true);
			now += 600;
		}
		// a done at 0, b at 600; now 1200: a is out of the window, b is not.
		expect(window.check('b', 'b').kind).toBe('duplicate');
		expect(window.check('a', 'a').kind).toBe('new');
		now = 1601;
		expect(window.check('b', 'b').kind).toBe('new');
	});

	it('keeps every id of the window when the rate fits the cap', () => {
		let now = 0;
		const window = new DedupeWindow<string>(60 * 60_000, {
			maxBytes: MB,
			now: () => now,
			initialSlots: 4,
		});
		// 10,000 ids (the old fixed limit) and more within the hour: all still known.
		for (let i = 0; i < 12_000; i++) {
			window.check(`event-${i}`, 'copy');
			window.finish(`event-${i}`, true);
			now += 250;
		}
		expect(window.size).toBe(12_000);
		expect(window.check('event-0', 'copy').kind).toBe('duplicate');
	});

	it('shortens the window only when the cap is reached, and says so once', () => {
		let now = 0;
		const warnings: string[] = [];
		const window = new DedupeWindow<string>(60 * 60_000, {
			maxBytes: 256 * 1024,
			now: () => now,
			initialSlots: 4,
			onShortened: (message) => warnings.push(message),
		});
		// 100 events/s for 10 minutes: far more ids than 256 KB hold.
		for (let i = 0; i < 60_000; i++) {
			const id = `event-${String(i).padStart(6, '0')}`;
			window.check(id, 'copy');
			window.finish(id, true);
			now += 10;
		}
		expect(warnings).toEqual([
			expect.stringMatching(
				/^INVERS Trigger: de-duplication covers only the last [\d.]+ min of its 60 min window: at this event rate its memory cap of 256 KB holds [\d,]+ event IDs/,
			),
		]);
		// The newest ids are still known, the oldest were dropped for room.
		expect(window.check('event-059999', 'copy').kind).toBe('duplicate');
		expect(window.check('event-000000', 'copy').kind).toBe('new');
	});
});

describe('RecentIds', () => {
	it('finds ids whose hashes collide in the index, also after removals', () => {
		// 8 slots, 16 index cells: 200 ids collide plenty; a model Set tells what must be known.
		const ids = new RecentIds(2 ** 20, 8);
		const model: string[] = [];
		const mask = 15;
		const colliding = Array.from({ length: 400 }, (_, i) => `id-${i}`).filter(
			(id) => (hashId(id) & mask) === (hashId('id-0') & mask),
		);
		expect(colliding.length).toBeGreaterThan(5);
		for (const id of colliding) {
			ids.add(id, 0);
			model.push(id);
		}
		for (let dropped = 0; dropped < 3; dropped++) {
			ids.dropOldest();
			model.shift();
		}
		for (const id of colliding) expect(ids.has(id)).toBe(model.includes(id));
	});

	it('wraps around the ring and grows without losing the order or an id', () => {
		const ids = new RecentIds(2 ** 20, 4);
		let next = 0;
		let oldest = 0;
		// Add 3, drop 2, repeatedly: the head walks round the ring while it grows now and then.
		for (let round = 0; round < 500; round++) {
			for (let i = 0; i < 3; i++) ids.add(`e${next}`, next++);
			for (let i = 0; i < 2; i++) {
				expect(ids.oldestAt()).toBe(oldest);
				ids.dropOldest();
				oldest++;
			}
		}
		expect(ids.size).toBe(next - oldest);
		for (let i = 0; i < next; i++) expect(ids.has(`e${i}`)).toBe(i >= oldest);
	});

	it('refuses an id beyond the cap, counting every array as allocated', () => {
		// 4 slots (28 bytes each) and a 160-byte arena: four 40-character ids, not a fifth.
		const ids = new RecentIds(4 * 28 + 160, 4);
		const id = (n: number) => `${n}`.padStart(40, 'x');
		for (let n = 0; n < 4; n++) expect(ids.add(id(n), n)).toBe(true);
		expect(ids.add(id(4), 4)).toBe(false);
		expect(ids.bytes).toBe(4 * 28 + 160);
		ids.dropOldest();
		expect(ids.add(id(4), 4)).toBe(true);
		expect([ids.has(id(0)), ids.has(id(1)), ids.has(id(4))]).toEqual([false, true, true]);
		// Longer than the whole cap: refused even when empty.
		while (ids.size) ids.dropOldest();
		expect(ids.add('y'.repeat(400), 5)).toBe(false);
	});

	it('tells ids apart by every character, wide ones included', () => {
		const ids = new RecentIds(2 ** 20, 4);
		ids.add('€uro', 1);
		ids.add('\u00acuro', 2);
		expect(ids.has('€uro')).toBe(true);
		expect(ids.has('\u00acuro')).toBe(true);
		expect(ids.has('\u21acuro')).toBe(false);
		expect(ids.has('€ur')).toBe(false);
		expect(arenaBytes('€uro')).toBe(8);
		expect(arenaBytes('euro')).toBe(4);
	});

	it('behaves like a queue of ids under random adds, drops and a tight cap', () => {
		const ids = new RecentIds(3_000, 2);
		const model: string[] = [];
		const alphabet = ['a', 'b', 'é', '€', '1', '-'];
		const randomId = () =>
			Array.from(
				{ length: 1 + Math.floor(Math.random() * 12) },
				() => alphabet[Math.floor(Math.random() * alphabet.length)],
			).join('');
		for (let step = 0; step < 20_000; step++) {
			if (Math.random() < 0.6) {
				const id = randomId();
				if (model.includes(id)) continue;
				// Refused for want of room: drop the oldest and retry, as de-duplication does.
				while (!ids.add(id, step)) {
					ids.dropOldest();
					model.shift();
				}
				model.push(id);
				expect(ids.bytes).toBeLessThanOrEqual(3_000);
			} else if (model.length) {
				ids.dropOldest();
				model.shift();
			}
			if (step % 97 === 0) {
				const probe = Math.random() < 0.5 && model.length ? model[step % model.length] : randomId();
				expect(ids.has(probe)).toBe(model.includes(probe));
				expect(ids.size).toBe(model.length);
			}
		}
		for (const id of model) expect(ids.has(id)).toBe(true);
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

	it('finds the newest timestamp whatever forms are mixed, as reading each one would', () => {
		const forms = [
			'2026-01-01T10:00:00.000Z',
			'2026-01-01T10:00:00.001Z',
			'2026-01-01T10:00:00Z',
			'2026-01-01T12:00:00+02:00',
			'2026-01-01T09:59:59.999Z',
			'2026-01-31T24:00:00Z',
			'2026-02-01T00:00:00.000Z',
			'2026-01-29T08:00:00.000Z',
			'not a time',
			'2026-13-01T00:00:00.000Z',
		];
		for (let i = 0; i < 2_000; i++) {
			const picked = Array.from(
				{ length: 1 + Math.floor(Math.random() * 5) },
				() => forms[Math.floor(Math.random() * forms.length)],
			);
			const state = Object.fromEntries(
				picked.map((timestamp, index) => [`p${index}`, { timestamp, value: index }]),
			);
			let expected: { millis: number; iso: string } | undefined;
			for (const timestamp of picked) {
				const at = readTimestamp(timestamp);
				if (at && (!expected || at.millis > expected.millis)) expected = at;
			}
			expect([picked, simplifyState(state).newestTimestamp]).toEqual([picked, expected?.iso]);
		}
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
