import type { INodeProperties } from 'n8n-workflow';

const BATCHING = { show: { startOn: ['batch'] } };

/** Bounds of "Start the Workflow: In Batches" (the defaults are the parameters' own). */
export const BATCH_LIMITS = { maxEvents: 10_000, parallel: 5, maxWaitSeconds: 3_600 };

/** The batch settings, shown after "Start the Workflow". */
export const batchProperties: INodeProperties[] = [
	{
		displayName:
			'One execution per batch, each event one item in delivery order (or one per vehicle with Latest per Vehicle). The batch is acknowledged as the acknowledge mode says once its execution ended; a failed batch under Requeue Once comes back once as a whole. The broker sends at most Max Events × (Parallel Batches + 1) events ahead, so the next batch is ready when one ends.',
		name: 'batchNotice',
		type: 'notice',
		default: '',
		displayOptions: BATCHING,
	},
	{
		displayName: 'Max Events per Batch',
		name: 'batchMaxEvents',
		type: 'number',
		default: 500,
		typeOptions: { minValue: 1, maxValue: BATCH_LIMITS.maxEvents },
		displayOptions: BATCHING,
		description: 'A batch starts as soon as it holds this many events',
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'batchMaxWait',
		type: 'number',
		default: 2,
		typeOptions: { minValue: 0.01, maxValue: BATCH_LIMITS.maxWaitSeconds, numberPrecision: 2 },
		displayOptions: BATCHING,
		description:
			'A batch starts at the latest this long after its first event, with what it holds. If Parallel Batches are all running then, it keeps collecting until one ends.',
	},
	{
		displayName: 'Latest per Vehicle',
		name: 'latestPerVehicle',
		type: 'boolean',
		default: false,
		displayOptions: BATCHING,
		description:
			"Whether to return one item per vehicle instead of one per event: its state events merged property by property by each value's own timestamp, its newest Vehicle Changed vehicle (by modified_at), the reasons of all, and the IDs of every event it stands for (event_ids, event_count). Other events stay items of their own.",
	},
	{
		displayName: 'Parallel Batches',
		name: 'parallelBatches',
		type: 'number',
		default: 1,
		typeOptions: { minValue: 1, maxValue: BATCH_LIMITS.parallel },
		displayOptions: BATCHING,
		description:
			'How many batch executions may run at once. Keep 1 when the workflow writes per vehicle to a store that cannot compare timestamps in the write itself (a later batch could finish first).',
	},
];

/** In the Options collection: the byte cap of one batch. */
export const maxBatchSizeOption: INodeProperties = {
	displayName: 'Max Batch Size (MB)',
	name: 'maxBatchSizeMb',
	type: 'number',
	default: 16,
	typeOptions: { minValue: 1 },
	displayOptions: { show: { '/startOn': ['batch'] } },
	description:
		"In Batches: a batch starts before the next event would take its messages' sizes past this; bounds the memory of one execution's input",
};

const defaultOf = (property: INodeProperties) => property.default as number;
const byName = (name: string) => batchProperties.find((property) => property.name === name)!;

export const BATCH_DEFAULTS = {
	maxEvents: defaultOf(byName('batchMaxEvents')),
	maxWaitSeconds: defaultOf(byName('batchMaxWait')),
	parallel: defaultOf(byName('parallelBatches')),
	maxSizeMb: defaultOf(maxBatchSizeOption),
};
