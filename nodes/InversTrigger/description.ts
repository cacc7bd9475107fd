import type { INodeProperties } from 'n8n-workflow';

import { events } from '../shared/contract';
import { batchProperties, maxBatchSizeOption } from './batching/description';
import { conditionProperties, maxWatchedVehiclesOption } from './conditions/description';

const reasonOptions = events.knownReasons.map((reason) => ({
	name: reason
		.toLowerCase()
		.split('_')
		.map((word) => word[0].toUpperCase() + word.slice(1))
		.join(' '),
	value: reason,
}));

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Each event starts one execution (with watched conditions: each event that enters or clears one; in batches: each batch). Delivery is at least once: the node skips copies of an event it already processed (by event ID) and answers every message it receives (acknowledge, requeue or reject), so the queue never stalls.',
		name: 'deliveryNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Queue Names',
		name: 'queues',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. fleet-1234.vehicle-changes, fleet-1234.vehicle-states',
		description:
			'The queues of the event consumer, as FleetControl shows them (one per subscribed topic). Separate several with commas. The node only reads them: it never creates, changes or deletes INVERS queues.',
	},
	{
		displayName: 'Event Types',
		name: 'eventTypeMode',
		type: 'options',
		default: 'all',
		options: [
			{
				name: 'All',
				value: 'all',
				description: 'Start for every event, including types added to a topic later',
			},
			{
				name: 'Selected',
				value: 'selected',
				description:
					'Start only for the types chosen below; other events are acknowledged and skipped',
			},
		],
	},
	{
		displayName: 'Start For',
		name: 'eventTypes',
		type: 'multiOptions',
		default: [events.types.vehicleChanged, events.types.vehicleStateRecorded],
		displayOptions: { show: { eventTypeMode: ['selected'] } },
		options: [
			{
				name: 'Vehicle Changed',
				value: events.types.vehicleChanged,
				description: 'Master data, life status, rental status and other vehicle changes',
			},
			{
				name: 'Vehicle State Recorded',
				value: events.types.vehicleStateRecorded,
				description: 'A new vehicle state reported by the vehicle',
			},
		],
	},
	{
		displayName: 'Other Event Types',
		name: 'otherEventTypes',
		type: 'string',
		default: '',
		placeholder: 'e.g. TripStarted, TripEnded',
		displayOptions: { show: { eventTypeMode: ['selected'] } },
		description: 'More event types by name, separated by commas',
	},
	...conditionProperties,
	...batchProperties,
	{
		displayName: 'Acknowledge',
		name: 'ackMode',
		type: 'options',
		default: 'executionFinished',
		options: [
			{
				name: 'When Execution Finishes',
				value: 'executionFinished',
				description:
					'Acknowledge after the execution ended, whether it succeeded or failed (or hit the execution timeout)',
			},
			{
				name: 'Only When Execution Succeeds',
				value: 'executionSucceeded',
				description:
					'Acknowledge after a successful execution; a failed or timed-out one is handled as set in "On Failed Execution"',
			},
			{
				name: 'Immediately',
				value: 'immediately',
				description:
					'Acknowledge as the execution starts, before it ends: a crash loses the event. Parallel Executions still applies: with every slot busy, the next event waits unacknowledged.',
			},
		],
	},
	{
		displayName: 'On Failed Execution',
		name: 'onFailure',
		type: 'options',
		default: 'requeueOnce',
		displayOptions: { show: { ackMode: ['executionSucceeded'] } },
		options: [
			{
				name: 'Requeue Once, Then Dead-Letter',
				value: 'requeueOnce',
				description:
					'Put the event back for one more try; if that fails too, reject it (to the dead-letter exchange when the queue has one). Tries are failed executions: a redelivery after a reconnect does not count.',
			},
			{
				name: 'Dead-Letter',
				value: 'deadLetter',
				description:
					"Reject the event at once: it goes to the queue's dead-letter exchange, or is dropped when the queue has none",
			},
		],
	},
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			'Whether to return the vehicle state as property → value (with the newest timestamp as state_recorded_at) instead of { timestamp, value } per property',
	},
	{
		displayName: 'Include Vehicle',
		name: 'includeVehicle',
		type: 'boolean',
		default: false,
		displayOptions: { hide: { startOn: ['batch'] } },
		description:
			'Whether to add the vehicle (master data) to Vehicle State Recorded events, read through the REST API with a short cache. Needs the Client ID and Secret in the credential.',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Vehicle Changed Reasons',
				name: 'reasons',
				type: 'multiOptions',
				default: [],
				options: reasonOptions,
				description:
					'Start for Vehicle Changed events with at least one of these reasons (other reasons can be given by expression). Other event types are not affected.',
			},
			{
				displayName: 'Vehicle IDs',
				name: 'vehicleIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. JQ7RP, K3M2X',
				description: 'Start only for events about these vehicles, separated by commas',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Activity Log Interval (Minutes)',
				name: 'logInterval',
				type: 'number',
				default: 5,
				typeOptions: { minValue: 0, numberPrecision: 2 },
				description:
					"How often the trigger writes its counts to n8n's log while events arrive (received, executions started, filtered, duplicates, dead-lettered, …); 0 writes them only when it stops",
			},
			{
				displayName: 'Close Timeout (Seconds)',
				name: 'closeTimeout',
				type: 'number',
				default: 30,
				typeOptions: { minValue: 0 },
				description:
					'When the workflow is deactivated, how long to wait for running executions so their events can be acknowledged; events still running then are returned to the queue and delivered again (a warning names how many)',
			},
			{
				displayName: 'Create Queue If Missing (Local Broker Only)',
				name: 'createQueueIfMissing',
				type: 'boolean',
				default: false,
				description:
					'Whether to create a missing queue, for a local test broker. Never use it with INVERS: INVERS provisions its queues.',
			},
			{
				displayName: 'De-Duplicate Events',
				name: 'deduplicate',
				type: 'boolean',
				default: true,
				description:
					"Whether to skip (and acknowledge) a copy of an event that was already processed or is running, recognized by its event ID. In memory only: after a reactivation or restart, copies of earlier events are not recognized (n8n's persistent de-duplication store is not available to trigger nodes); add a Remove Duplicates node on event_id where that matters.",
			},
			{
				displayName: 'De-Duplication Window (Minutes)',
				name: 'dedupeWindow',
				type: 'number',
				default: 60,
				typeOptions: { minValue: 1 },
				displayOptions: { show: { deduplicate: [true] } },
				description:
					'How long an event ID is remembered. The IDs take at most 32 MB (about 520,000 IDs): above about 145 events/s the window gets shorter, and a warning in the n8n log says how short.',
			},
			{
				displayName: 'Execution Timeout (Seconds)',
				name: 'executionTimeout',
				type: 'number',
				default: 1500,
				typeOptions: { minValue: 1 },
				description:
					"How long to wait for an execution before releasing its event according to the acknowledge mode. Keep it below the broker's consumer timeout (30 minutes by default), or the broker closes the channel.",
			},
			{
				displayName: 'Give Up Reconnecting After (Seconds)',
				name: 'reconnectGiveUpAfter',
				type: 'number',
				default: 600,
				typeOptions: { minValue: 1 },
				description:
					'The node reconnects by itself after a broker restart or network failure. Only after this long without a connection does it report an error and leave reactivation to n8n.',
			},
			{
				displayName: 'Include Raw Message',
				name: 'includeRaw',
				type: 'boolean',
				default: false,
				description: 'Whether to add the received envelope and the AMQP properties as raw',
			},
			maxBatchSizeOption,
			{
				displayName: 'Max Message Size (KB)',
				name: 'maxMessageSizeKb',
				type: 'number',
				default: 1024,
				typeOptions: { minValue: 1 },
				description:
					'Larger messages are malformed: rejected (or an error item) and logged as an error with their event ID and size. The default is hundreds of times a VehicleChanged event with its vehicle (about 1.5 KB).',
			},
			maxWatchedVehiclesOption,
			{
				displayName: 'On Malformed Message',
				name: 'onMalformed',
				type: 'options',
				default: 'reject',
				options: [
					{
						name: 'Reject (Dead-Letter)',
						value: 'reject',
						description:
							"Reject the message: it goes to the queue's dead-letter exchange, or is dropped when the queue has none",
					},
					{
						name: 'Start Workflow With Error Item',
						value: 'emitError',
						description:
							'Start the workflow with an item describing the problem (not the payload), then acknowledge as set',
					},
				],
				description: 'What to do with a message that is not JSON, has no metadata, or is too large',
			},
			{
				displayName: 'Parallel Executions (Prefetch)',
				name: 'prefetch',
				type: 'number',
				default: 10,
				displayOptions: { hide: { '/startOn': ['batch'] } },
				typeOptions: { minValue: 1, maxValue: 1000 },
				description:
					'How many executions may run at once; the broker sends no more until one is acknowledged (with Acknowledge Immediately, until one ended)',
			},
			{
				displayName: 'Vehicle Cache (Seconds)',
				name: 'vehicleCacheTtl',
				type: 'number',
				default: 300,
				displayOptions: { hide: { '/startOn': ['batch'] } },
				typeOptions: { minValue: 0 },
				description:
					'With Include Vehicle: how long a fetched vehicle is reused. A Vehicle Changed event replaces it at once.',
			},
		],
	},
];
