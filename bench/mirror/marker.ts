/**
 * How stale the mirror is: once a second while a step publishes, and once at its end, a marker
 * vehicle outside the fleet reports a state whose mileage is a sequence number, and the mirror's
 * marker rows are read twice a second. Each marker is a vehicle of its own (`BENCH-MARKER-<n>`):
 * with Latest per Vehicle, a batch's items come in the order of each vehicle's first event, so a
 * marker that is the last event published is also the last item of its batch. When the rows show
 * number k, the mirror has written the events published before marker k. A marker's lag is the
 * time from its publication until a row showed it. The queue's ready count alone cannot show a
 * batching mirror falling behind: its trigger holds up to Max Events × (Parallel Batches + 1)
 * events unacknowledged before any waits as ready.
 */
import { randomUUID } from 'node:crypto';

import type { EventEnvelope } from '../../simulator/amqpPublisher';

/** Marker vehicles are `BENCH-MARKER-1`, `BENCH-MARKER-2`, …: outside the fleet. */
export const MARKER_PREFIX = 'BENCH-MARKER-';

export const isMarker = (vehicleId: unknown) => String(vehicleId).startsWith(MARKER_PREFIX);

const POLL_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class MarkerProbe {
	private sequence = 0;
	private seen = 0;
	private readonly sentAt = new Map<number, number>();
	private readonly visibleAt = new Map<number, number>();
	private polling = false;
	private poller?: Promise<void>;

	constructor(
		private readonly publish: (envelope: EventEnvelope) => Promise<void>,
		/** The highest mileage in the mirror's marker rows (undefined: no marker row yet). */
		private readonly read: () => Promise<number | undefined>,
	) {}

	/** Publishes the next marker; its sequence number. */
	async send(): Promise<number> {
		const sequence = ++this.sequence;
		const now = Date.now();
		this.sentAt.set(sequence, now);
		const timestamp = new Date(now).toISOString();
		await this.publish({
			metadata: {
				id: randomUUID(),
				type: 'VehicleStateRecorded',
				schema_major_version: 2,
				occurred_at: timestamp,
				flow_id: randomUUID(),
			},
			data: {
				vehicle_id: `${MARKER_PREFIX}${sequence}`,
				vehicle_state: { mileage_in_kilometers: { timestamp, value: sequence } },
			},
		});
		return sequence;
	}

	start(): void {
		if (this.polling) return;
		this.polling = true;
		this.poller = (async () => {
			while (this.polling) {
				await this.poll().catch(() => undefined);
				await sleep(POLL_MS);
			}
		})();
	}

	async stop(): Promise<void> {
		this.polling = false;
		await this.poller;
	}

	/** Seconds from the marker's publication until the mirror showed it; undefined: not yet. */
	lagOf(sequence: number): number | undefined {
		const visible = this.visibleAt.get(sequence);
		return visible === undefined ? undefined : (visible - this.sentAt.get(sequence)!) / 1000;
	}

	/** Waits until the mirror shows the marker; its lag, or undefined after the timeout. */
	async waitFor(sequence: number, timeoutMs: number): Promise<number | undefined> {
		const started = Date.now();
		while (this.lagOf(sequence) === undefined && Date.now() - started < timeoutMs) {
			await sleep(POLL_MS / 2);
		}
		return this.lagOf(sequence);
	}

	private async poll(): Promise<void> {
		const value = await this.read();
		if (value === undefined || value <= this.seen) return;
		const now = Date.now();
		for (let sequence = this.seen + 1; sequence <= value; sequence++) {
			this.visibleAt.set(sequence, now);
		}
		this.seen = value;
	}
}
