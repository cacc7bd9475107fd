import type { Channel, ConsumeMessage } from './amqplib';

import type { Settlement } from '../ack/ackModes';

/**
 * One consumer channel of one connection. A reconnect opens a new one: deliveries keep the link
 * they arrived on, so an ack for a message of a dead channel is never sent on the new channel
 * (delivery tags are per channel; the broker redelivers those messages by itself).
 */
export class ChannelLink {
	open = true;

	constructor(
		readonly channel: Channel,
		readonly generation: number,
	) {}
}

export class Delivery {
	private settled = false;

	constructor(
		readonly message: ConsumeMessage,
		readonly queue: string,
		private readonly link: ChannelLink,
	) {}

	get redelivered(): boolean {
		return this.message.fields.redelivered;
	}

	get generation(): number {
		return this.link.generation;
	}

	get isSettled(): boolean {
		return this.settled;
	}

	/** Whether it can still be acknowledged or rejected (its channel is alive). */
	get isLive(): boolean {
		return !this.settled && this.link.open;
	}

	/**
	 * Answers the broker once. Returns false when the channel is gone: the broker has already put
	 * the message back, and a later copy will be handled (and de-duplicated) on its own.
	 */
	settle(settlement: Settlement): boolean {
		if (this.settled) return true;
		if (!this.link.open) return false;
		try {
			if (settlement === 'ack') this.link.channel.ack(this.message);
			else this.link.channel.nack(this.message, false, settlement === 'requeue');
		} catch {
			// The channel closed between the check and the call: same as above.
			return false;
		}
		this.settled = true;
		return true;
	}
}
