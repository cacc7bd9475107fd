import type { ITriggerFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { AckMode, FailureAction } from './ack/ackModes';
import type { BatchSettings } from './batching/batcher';
import { batchPrefetch } from './batching/batcher';
import { readBatchSettings } from './batching/settings';
import { readConditionSettings } from './conditions/settings';
import type { ConditionSettings } from './conditions/watcher';
import type { EventFilter } from './events/filters';
import { splitList } from './events/filters';
import { canonicalEventType } from './events/parseEvent';

export interface TriggerSettings {
	queues: string[];
	filter: EventFilter;
	ackMode: AckMode;
	onFailure: FailureAction;
	simplify: boolean;
	includeVehicle: boolean;
	includeRaw: boolean;
	prefetch: number;
	executionTimeoutMs: number;
	closeTimeoutMs: number;
	reconnectGiveUpMs: number;
	maxMessageBytes: number;
	onMalformed: 'reject' | 'emitError';
	deduplicate: boolean;
	dedupeWindowMs: number;
	vehicleCacheTtlMs: number;
	createQueueIfMissing: boolean;
	/** Start the Workflow: When a Watched Condition Changes. */
	conditions?: ConditionSettings;
	/** Start the Workflow: In Batches. Neither this nor `conditions`: For Every Event. */
	batch?: BatchSettings;
	/** How often the counts are logged while events arrive; 0: only at stop. */
	logIntervalMs: number;
}

/**
 * The memory de-duplication may take for the event IDs of its window: about 520,000 IDs (UUIDs),
 * a 60-minute window up to about 145 events/s; above that the window gets shorter (logged once).
 */
export const DEDUPE_MAX_BYTES = 32 * 2 ** 20;

function positive(value: unknown, fallback: number): number {
	const number = Number(value);
	return Number.isFinite(number) && number > 0 ? number : fallback;
}

/** Zero allowed (no wait, no cache); anything unreadable falls back. */
function nonNegative(value: unknown, fallback: number): number {
	const number = Number(value ?? fallback);
	return Number.isFinite(number) && number >= 0 ? number : fallback;
}

export function readSettings(context: ITriggerFunctions): TriggerSettings {
	const queues = [...new Set(splitList(context.getNodeParameter('queues', '')))];
	if (!queues.length) {
		throw new NodeOperationError(context.getNode(), 'Enter at least one queue name', {
			description: 'FleetControl shows the queue of each topic the event consumer subscribed to',
		});
	}
	const filter: EventFilter = {};
	if (context.getNodeParameter('eventTypeMode', 'all') === 'selected') {
		const types = [
			...splitList(context.getNodeParameter('eventTypes', [])),
			...splitList(context.getNodeParameter('otherEventTypes', '')),
		];
		if (!types.length) {
			throw new NodeOperationError(context.getNode(), 'Choose at least one event type', {
				description: 'Or set Event Types to All',
			});
		}
		filter.types = new Set(types.map(canonicalEventType));
	}
	const filters = context.getNodeParameter('filters', {}) as {
		reasons?: string[] | string;
		vehicleIds?: string;
	};
	const reasons = splitList(filters.reasons);
	if (reasons.length) filter.reasons = new Set(reasons);
	const vehicleIds = splitList(filters.vehicleIds);
	if (vehicleIds.length) filter.vehicleIds = new Set(vehicleIds);

	const options = context.getNodeParameter('options', {}) as Record<string, unknown>;
	const batch = readBatchSettings(context);
	return {
		queues,
		filter,
		ackMode: context.getNodeParameter('ackMode', 'executionFinished') as AckMode,
		onFailure: context.getNodeParameter('onFailure', 'requeueOnce') as FailureAction,
		simplify: context.getNodeParameter('simplify', true) as boolean,
		includeVehicle: context.getNodeParameter('includeVehicle', false) as boolean,
		includeRaw: options.includeRaw === true,
		// In batches the prefetch follows from the batch settings (see batchPrefetch).
		prefetch: batch ? batchPrefetch(batch) : Math.floor(positive(options.prefetch, 10)),
		executionTimeoutMs: positive(options.executionTimeout, 1500) * 1000,
		closeTimeoutMs: nonNegative(options.closeTimeout, 30) * 1000,
		reconnectGiveUpMs: positive(options.reconnectGiveUpAfter, 600) * 1000,
		maxMessageBytes: positive(options.maxMessageSizeKb, 1024) * 1024,
		onMalformed: options.onMalformed === 'emitError' ? 'emitError' : 'reject',
		deduplicate: options.deduplicate !== false,
		dedupeWindowMs: positive(options.dedupeWindow, 60) * 60_000,
		vehicleCacheTtlMs: nonNegative(options.vehicleCacheTtl, 300) * 1000,
		createQueueIfMissing: options.createQueueIfMissing === true,
		conditions: readConditionSettings(context),
		batch,
		logIntervalMs: nonNegative(options.logInterval, 5) * 60_000,
	};
}
