import type { Channel, ConsumeMessage } from './amqplib';
import { cancellableDelay } from '../timers';

import type { Settlement } from '../ack/ackModes';

/** How long an answered delivery behind a running one waits for a common multiple-ack. */
export const HOLD_MS = 20;

/**
 * Promise reactions the flush waits for after the first ack of a turn. An execution that ends at
 * once answers its delivery three reactions after its run resolved (run, outcome, answer); the
 * flush comes after that, so that ack shares the multiple-ack of the events answered around it
 * instead of forcing them out alone ahead of it (with watched conditions most events are answered
 * on arrival while a few start executions).
 */
const FLUSH_AFTER_REACTIONS = 4;

/**
 * One consumer channel of one connection. A reconnect opens a new one: deliveries keep the link
 * they arrived on, so an ack for a message of a dead channel is never sent on the new channel
 * (delivery tags are per channel; the broker redelivers those messages by itself).
 *
 * Acks are coalesced: every ack frame is a socket write of its own in amqplib, and at high rates
 * those writes are the largest cost of consuming. Acks requested in the same turn go out together,
 * as one `ack(tag, allUpTo)` for the run of answered deliveries at the head. An answered delivery
 * behind one still running cannot be covered by that ack: it waits briefly, since the running one
 * usually finishes within a few milliseconds and one multiple-ack then covers both. It waits at
 * most `HOLD_MS`, and never while half the prefetch is held (the broker's window must not
 * shrink); then it goes out alone. Acks at the head never wait for company: the broker sends
 * the next deliveries only as the window frees, so a held head ack stalls a drain on the hold
 * timer. Nacks go out at once.
 */
export class ChannelLink {
	private isOpen = true;
	/** Ends a pending hold timer once the channel is gone. */
	private readonly closed = new AbortController();
	/**
	 * Deliveries not yet answered on the wire, in tag order; at most the unacknowledged ones the
	 * prefetch allows (plus nacked ones until the next flush drops them).
	 */
	private window: Delivery[] = [];
	private flushScheduled = false;
	/** Answered deliveries behind a running one that may wait for a common ack: fewer than this. */
	private readonly holdLimit: number;
	private holding = false;

	constructor(
		readonly channel: Channel,
		prefetch = 0,
	) {
		this.holdLimit = Math.floor(prefetch / 2);
	}

	get open(): boolean {
		return this.isOpen;
	}

	/** Set false when the channel died or is being closed on purpose: nothing more is sent on it. */
	set open(value: boolean) {
		this.isOpen = value;
		if (!value) this.closed.abort();
	}

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
		// Still in this turn, after the reactions already queued and a few they queue in turn:
		// executions that finish together are all answered by then. Not a timer tick (n8n's scanner
		// allows no setImmediate in node code, and a millisecond timer per flush holds every ack
		// back a millisecond, which throttles a drain); the hold below arms one only while the
		// window has room.
		let reactions = Promise.resolve();
		for (let hop = 1; hop < FLUSH_AFTER_REACTIONS; hop++) reactions = reactions.then();
		void reactions.then(this.flushAcks);
	}

	/**
	 * Sends the queued acks. Also called right before the channel is closed on purpose, so no ack
	 * requested before closing is lost. Nothing is sent on a dead channel: the broker has put those
	 * messages back already.
	 */
	readonly flushAcks = (): void => this.flush(false);

	/** Sends every queued ack now, also those waiting behind a running delivery (before a close). */
	flushAll(): void {
		this.flush(true);
	}

	private flush(all: boolean): void {
		this.flushScheduled = false;
		if (!this.open) return;
		// Everything outstanding up to the last waiting ack before the first running delivery is
		// a waiting ack too (nacked tags are no longer outstanding): one multiple-ack covers them.
		let headRun: Delivery | undefined;
		let firstRunning = -1;
		const behind: Delivery[] = [];
		this.window.forEach((delivery, index) => {
			if (delivery.state === 'running') {
				if (firstRunning < 0) firstRunning = index;
			} else if (delivery.state === 'ackWaiting') {
				if (firstRunning < 0) headRun = delivery;
				else behind.push(delivery);
			}
		});
		const holdBehind = !all && behind.length > 0 && behind.length < this.holdLimit;
		try {
			if (!holdBehind) {
				for (const delivery of behind) {
					delivery.state = 'answered';
					this.channel.ack(delivery.message);
				}
			}
			if (headRun) {
				for (const delivery of this.window) {
					if (delivery.state === 'ackWaiting') delivery.state = 'answered';
					if (delivery === headRun) break;
				}
				this.channel.ack(headRun.message, true);
			}
		} catch {
			// The channel closed meanwhile: the broker redelivers what was not acknowledged.
			return;
		}
		// Kept: the running ones, and (held) answered ones behind them still waiting for an ack.
		this.window =
			firstRunning < 0 ? [] : this.window.slice(firstRunning).filter((d) => d.state !== 'answered');
		if (holdBehind) this.holdBriefly();
	}

	/**
	 * One timer at a time, not cancelled when a flush empties the hold: aborting one costs an
	 * exception object, and it would be once per few events. Any ack waiting when it fires started
	 * waiting after it was armed, so none waits longer than `HOLD_MS`.
	 */
	private holdBriefly(): void {
		if (this.holding) return;
		this.holding = true;
		void cancellableDelay(HOLD_MS, this.closed.signal).then((elapsed) => {
			this.holding = false;
			if (elapsed) this.flush(true);
		});
	}
}

/** Where a delivery is: running, ack requested but not yet sent, or answered on the wire. */
export type DeliveryState = 'running' | 'ackWaiting' | 'answered';

export class Delivery {
	/** Owned by the link (it sends batched acks). */
	state: DeliveryState = 'running';
	/** The event's ID once the message was parsed (an unexpected failure answers its copies too). */
	eventId: string | undefined = undefined;

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
