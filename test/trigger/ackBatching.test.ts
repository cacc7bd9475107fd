/**
 * Coalesced acks (ChannelLink) on a real channel of the real broker: the frames sent are
 * recorded, and the broker's queues say whether every message ended up answered exactly once.
 * A wrong multiple-ack (one covering a running delivery, or ending on a tag already answered)
 * either acks too much or makes the broker close the channel (PRECONDITION_FAILED), which the
 * channel check at the end of each test catches.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { connect } from 'amqplib';

import { ChannelLink, Delivery, HOLD_MS } from '../../nodes/InversTrigger/amqp/delivery';
import type { Provisioned } from '../harness/triggerAmqp';
import { BROKER_URL, provision, until, vehicleChanged } from '../harness/triggerAmqp';

let broker: Provisioned;
let connection: ChannelModel;
let channel: Channel;
let link: ChannelLink;
let channelErrors: Error[];
let sent: Array<{ frame: 'ack' | 'nack'; tag: number; allUpTo: boolean }>;

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

beforeEach(async () => {
	broker = await provision();
	connection = await connect(BROKER_URL);
	connection.on('error', () => undefined);
	channel = await connection.createChannel();
	channelErrors = [];
	channel.on('error', (error: Error) => channelErrors.push(error));
	sent = [];
	// Record each frame, then let the real channel send it.
	const ack = channel.ack.bind(channel);
	const nack = channel.nack.bind(channel);
	channel.ack = (message: ConsumeMessage, allUpTo = false) => {
		sent.push({ frame: 'ack', tag: message.fields.deliveryTag, allUpTo });
		ack(message, allUpTo);
	};
	channel.nack = (message: ConsumeMessage, allUpTo = false, requeue?: boolean) => {
		sent.push({ frame: 'nack', tag: message.fields.deliveryTag, allUpTo });
		nack(message, allUpTo, requeue);
	};
	link = new ChannelLink(channel);
});

afterEach(async () => {
	await connection.close().catch(() => undefined);
	await broker.cleanup();
});

/** Publishes `count` events and consumes them all (prefetch = count) without answering. */
async function receive(count: number): Promise<Delivery[]> {
	for (let i = 0; i < count; i++) await broker.publisher.publish(vehicleChanged(`V${i}`));
	const deliveries: Delivery[] = [];
	await channel.prefetch(count);
	await channel.consume(broker.changes, (message) => {
		if (message) deliveries.push(new Delivery(message, broker.changes, link));
	});
	await until(() => deliveries.length === count, 10_000, `${count} deliveries`);
	return deliveries;
}

/** The channel survived every frame, and after it closes nothing unanswered is left. */
async function expectAllAnsweredOnce(deadLettered: number): Promise<void> {
	// A round trip: a frame the broker refused has closed the channel by now.
	await channel.checkQueue(broker.changes);
	expect(channelErrors).toEqual([]);
	link.flushAcks();
	link.open = false;
	await channel.close();
	expect(await broker.queueDepth(broker.changes)).toBe(0);
	expect(await broker.queueDepth(broker.deadLetter(broker.changes))).toBe(deadLettered);
}

/**
 * `rest` went out as single acks while `first` kept running (still unacknowledged: closing now
 * would give it back to the queue); answering `first` then sends one multiple-ack ending on it.
 */
async function expectAckedAloneThenCovered(first: Delivery, rest: Delivery[]): Promise<void> {
	expect(sent).toEqual(
		rest.map((delivery) => ({
			frame: 'ack',
			tag: delivery.message.fields.deliveryTag,
			allUpTo: false,
		})),
	);
	expect(first.isLive).toBe(true);
	first.settle('ack');
	// The flush runs a few promise reactions after the answer, not at once.
	await until(() => sent.length > rest.length, 1_000, 'the ack of the running one');
	expect(sent.at(-1)).toEqual({
		frame: 'ack',
		tag: first.message.fields.deliveryTag,
		allUpTo: true,
	});
	await expectAllAnsweredOnce(0);
}

it('acks finishing in the same turn go out as one multiple-ack', async () => {
	const deliveries = await receive(10);
	for (const delivery of deliveries) expect(delivery.settle('ack')).toBe(true);
	expect(sent).toEqual([]);
	await nextTick();
	expect(sent).toEqual([
		{ frame: 'ack', tag: deliveries[9].message.fields.deliveryTag, allUpTo: true },
	]);
	await expectAllAnsweredOnce(0);
});

it('an execution answered a few promise reactions after the others joins their multiple-ack', async () => {
	const deliveries = await receive(5);
	const [first, ...rest] = deliveries;
	// An execution that ends at once answers its delivery three reactions after its run resolved
	// (run, outcome, answer): its ack must not force the others out alone ahead of it.
	void Promise.resolve()
		.then()
		.then()
		.then(() => first.settle('ack'));
	for (const delivery of rest) delivery.settle('ack');
	await nextTick();
	expect(sent).toEqual([
		{ frame: 'ack', tag: deliveries[4].message.fields.deliveryTag, allUpTo: true },
	]);
	await expectAllAnsweredOnce(0);
});

it('with no room to hold one (prefetch below 2), an ack behind a running delivery goes out at once, never acking the running one', async () => {
	const deliveries = await receive(5);
	const [first, ...rest] = deliveries;
	for (const delivery of rest) delivery.settle('ack');
	await nextTick();
	await expectAckedAloneThenCovered(first, rest);
});

it('rejections go out at once, and a multiple-ack around them never ends on one', async () => {
	const deliveries = await receive(6);
	const tag = (index: number) => deliveries[index].message.fields.deliveryTag;
	deliveries[0].settle('ack');
	deliveries[1].settle('reject');
	deliveries[2].settle('ack');
	deliveries[4].settle('ack');
	deliveries[5].settle('reject');
	// The rejections were sent before the end of the turn, the acks were not.
	expect(sent).toEqual([
		{ frame: 'nack', tag: tag(1), allUpTo: false },
		{ frame: 'nack', tag: tag(5), allUpTo: false },
	]);
	await nextTick();
	expect(sent.slice(2)).toEqual([
		{ frame: 'ack', tag: tag(4), allUpTo: false },
		{ frame: 'ack', tag: tag(2), allUpTo: true },
	]);
	deliveries[3].settle('ack');
	await nextTick();
	expect(sent.slice(4)).toEqual([{ frame: 'ack', tag: tag(3), allUpTo: true }]);
	await expectAllAnsweredOnce(2);
});

it('flushing before a deliberate close sends the acks of this turn', async () => {
	const deliveries = await receive(4);
	for (const delivery of deliveries) delivery.settle('ack');
	// Same turn: without the flush, these acks would wait for a tick after the close.
	link.flushAcks();
	link.open = false;
	await channel.close();
	expect(await broker.queueDepth(broker.changes)).toBe(0);
});

it('sends nothing on a channel that is gone', async () => {
	const deliveries = await receive(3);
	link.open = false;
	expect(deliveries[0].settle('ack')).toBe(false);
	expect(deliveries[1].settle('requeue')).toBe(false);
	link.flushAcks();
	await nextTick();
	expect(sent).toEqual([]);
	expect(deliveries[0].isSettled).toBe(false);
	await channel.close();
	// Unanswered: the broker put them back.
	await until(async () => (await broker.queueDepth(broker.changes)) === 3);
});

describe('an ack behind a running delivery (prefetch 10: at most 4 wait)', () => {
	beforeEach(() => {
		link = new ChannelLink(channel, 10);
	});

	it('an ack at the head never waits for company', async () => {
		const deliveries = await receive(3);
		for (const delivery of deliveries) delivery.settle('ack');
		await nextTick();
		expect(sent).toEqual([
			{ frame: 'ack', tag: deliveries[2].message.fields.deliveryTag, allUpTo: true },
		]);
		await expectAllAnsweredOnce(0);
	});

	it('waits for the running one when it finishes soon: one multiple-ack covers them all', async () => {
		const deliveries = await receive(5);
		const [first, ...rest] = deliveries;
		for (const delivery of rest) delivery.settle('ack');
		await nextTick();
		expect(sent).toEqual([]);
		first.settle('ack');
		await nextTick();
		expect(sent).toEqual([
			{ frame: 'ack', tag: deliveries[4].message.fields.deliveryTag, allUpTo: true },
		]);
		await expectAllAnsweredOnce(0);
	});

	it(`goes out alone after ${HOLD_MS} ms when the running one keeps running, never acking it`, async () => {
		const deliveries = await receive(5);
		const [first, ...rest] = deliveries;
		for (const delivery of rest) delivery.settle('ack');
		await new Promise((resolve) => setTimeout(resolve, HOLD_MS * 3));
		await expectAckedAloneThenCovered(first, rest);
	});

	it('never holds half the prefetch: the fifth goes out at once with the others', async () => {
		const deliveries = await receive(6);
		const [first, ...rest] = deliveries;
		for (const delivery of rest) delivery.settle('ack');
		await nextTick();
		expect(sent).toHaveLength(5);
		expect(sent.every((frame) => !frame.allUpTo)).toBe(true);
		expect(first.isLive).toBe(true);
		first.settle('ack');
		await expectAllAnsweredOnce(0);
	});

	it('a deliberate close sends the held acks too', async () => {
		const deliveries = await receive(3);
		deliveries[1].settle('ack');
		deliveries[2].settle('ack');
		await nextTick();
		expect(sent).toEqual([]);
		link.flushAll();
		expect(sent).toHaveLength(2);
		link.open = false;
		await channel.close();
		// Only the running one went back to the queue.
		await until(async () => (await broker.queueDepth(broker.changes)) === 1);
	});
});
