import type { Channel, ConsumeMessage } from './amqplib';

import type { Settlement } from '../ack/ackModes';

/**
 * One consumer channel of one connection. A reconnect opens a new one: deliveries keep the link
 * they arrived on, so an ack for a message of a dead channel is never sent on the new channel
 * (delivery tags are per channel; the broker redelivers those messages by itself).
 *
 * Acks are coalesced: every ack frame is a socket write of its own in amqplib, and at high rates
 * those writes were the trigger's largest cost. Acks requested together (in the same run of
 * microtasks) go out together, as one `ack(tag, allUpTo)` for the run of answered deliveries
 * at the head, and single acks for answered deliveries behind one still running. An ack is never
 * held back behind a running delivery (prefetch would stall), and nacks go out at once.
 */
export class ChannelLink {
	open = true;
	/**
	 * Deliveries not yet answered on the wire, in tag order; at most the unacknowledged ones the
	 * prefetch allows (plus nacked ones until the next flush drops them).
	 */
	private window: Delivery[] = [];
	private flushScheduled = false;

	constructor(
		readonly channel: Channel,
		readonly generation: number,
	) {}

	/** Deliveries arrive in increasing tag order on a channel, so the window stays sorted. */
	track(delivery: Delivery): void {
		this.window.push(delivery);
	}

	/** Queues an ack for the end of this turn. False when the channel is gone. */
	requestAck(): boolean {
		if (!this.open) return false;
		this.scheduleFlush();
		return true;
	}

	/** Rejects at once (rare; it must not wait for, or widen, a batched ack). */
	nack(delivery: Delivery, requeue: boolean): boolean {
		if (!this.open) return false;
		this.channel.nack(delivery.message, false, requeue);
		// The flush also drops it from the window.
		this.scheduleFlush();
		return true;
	}

	private scheduleFlush(): void {
		if (this.flushScheduled) return;
		this.flushScheduled = true;
		// After the microtasks already queued: executions that finish together (their promise
		// chains advance in step) are all answered by then, and their acks coalesce.
		queueMicrotask(this.flushAcks);
	}

	/**
	 * Sends the queued acks. Also called right before the channel is closed on purpose, so no ack
	 * requested before closing is lost. Nothing is sent on a dead channel: the broker has put those
	 * messages back already.
	 */
	readonly flushAcks = (): void => {
		this.flushScheduled = false;
		if (!this.open) return;
		const stillRunning: Delivery[] = [];
		// Everything outstanding up to the last waiting ack before the first running delivery is
		// a waiting ack too (nacked tags are no longer outstanding): one multiple-ack covers them.
		let headRun: Delivery | undefined;
		try {
			for (const delivery of this.window) {
				if (delivery.state === 'running') {
					stillRunning.push(delivery);
				} else if (delivery.state === 'ackWaiting') {
					delivery.state = 'answered';
					if (stillRunning.length === 0) headRun = delivery;
					else this.channel.ack(delivery.message);
				}
			}
			if (headRun) this.channel.ack(headRun.message, true);
		} catch {
			// The channel closed meanwhile: the broker redelivers what was not acknowledged.
			return;
		}
		this.window = stillRunning;
	};
}

/** Where a delivery is: running, ack requested but not yet sent, or answered on the wire. */
export type DeliveryState = 'running' | 'ackWaiting' | 'answered';

export class Delivery {
	/** Owned by the link (it sends batched acks). */
	state: DeliveryState = 'running';

	constructor(
		readonly message: ConsumeMessage,
		readonly queue: string,
		private readonly link: ChannelLink,
	) {
		link.track(this);
	}

	get redelivered(): boolean {
		return this.message.fields.redelivered;
	}

	get generation(): number {
		return this.link.generation;
	}

	get isSettled(): boolean {
		return this.state !== 'running';
	}

	/** Whether it can still be acknowledged or rejected (its channel is alive). */
	get isLive(): boolean {
		return this.state === 'running' && this.link.open;
	}

	/**
	 * Answers the broker once. Returns false when the channel is gone: the broker has already put
	 * the message back, and a later copy will be handled (and de-duplicated) on its own.
	 */
	settle(settlement: Settlement): boolean {
		if (this.state !== 'running') return true;
		try {
			if (settlement === 'ack') {
				if (!this.link.requestAck()) return false;
				this.state = 'ackWaiting';
				return true;
			}
			if (!this.link.nack(this, settlement === 'requeue')) return false;
		} catch {
			// The channel closed between the check and the call: same as above.
			return false;
		}
		this.state = 'answered';
		return true;
	}
}
