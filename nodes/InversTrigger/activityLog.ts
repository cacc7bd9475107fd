import type { IDataObject, Logger } from 'n8n-workflow';

import type { PipelineStats } from './eventPipeline';
import type { TriggerSettings } from './settings';
import { cancellableDelay } from './timers';

const ACK_MODE_NAMES: Record<TriggerSettings['ackMode'], string> = {
	executionFinished: 'when the execution finishes',
	executionSucceeded: 'only when the execution succeeds',
	immediately: 'immediately',
};

/** The one line the trigger logs at activation: what it consumes and how it starts the workflow. */
export function describeActivation(settings: TriggerSettings): string {
	const queues = settings.queues.map((queue) => `"${queue}"`).join(', ');
	let start: string;
	if (settings.conditions) {
		const names = settings.conditions.definitions.map((d) => `${d.name} (${d.type})`).join(', ');
		start = `when a watched condition changes: ${names}${settings.conditions.startWhenCleared ? ', also when cleared' : ''}; at most ${settings.conditions.maxVehicles.toLocaleString('en')} vehicles remembered`;
	} else if (settings.batch) {
		const batch = settings.batch;
		start = `in batches of at most ${batch.maxEvents} events or ${batch.maxWaitMs / 1000} s${batch.latestPerVehicle ? ', latest per vehicle' : ''}, ${batch.parallel} at a time`;
	} else {
		start = `for every event, ${settings.prefetch} at a time`;
	}
	const failure =
		settings.ackMode === 'executionSucceeded'
			? settings.onFailure === 'requeueOnce'
				? ', a failed one requeued once, then dead-lettered'
				: ', a failed one dead-lettered'
			: '';
	return `INVERS Trigger started: consuming ${queues}; starts the workflow ${start}; acknowledges ${ACK_MODE_NAMES[settings.ackMode]}${failure}; prefetch ${settings.prefetch}`;
}

/** The counts in words, for a log line a person reads. */
function describeCounts(stats: PipelineStats): string {
	const parts = [
		`${count(stats.received)} events received`,
		`${count(stats.emitted)} executions started`,
	];
	const optional: Array<[number | undefined, string]> = [
		[stats.filtered, 'filtered out'],
		[stats.noTransition, 'without a transition'],
		[stats.duplicates, 'duplicates'],
		[stats.unreadable, 'unreadable'],
		[stats.malformed, 'malformed'],
		[stats.requeued, 'requeued'],
		[stats.rejected, 'dead-lettered'],
		[stats.timedOut, 'executions timed out'],
		[stats.futureTimestamps, 'values stamped in the future ignored'],
	];
	for (const [value, label] of optional) if (value) parts.push(`${count(value)} ${label}`);
	if (stats.watchedVehicles !== undefined) {
		parts.push(
			`${count(stats.watchedVehicles)} vehicles watched (${count(stats.forgottenVehicles ?? 0)} forgotten)`,
		);
	}
	return parts.join(', ');
}

function count(value: number): string {
	return value.toLocaleString('en');
}

/**
 * What the trigger did, where a user looks: n8n's log at info level. Every interval while events
 * arrive (nothing while the queue is quiet), and once at stop, the counts since activation.
 */
export class ActivityLog {
	private readonly abort = new AbortController();
	private lastReceived = 0;

	constructor(
		private readonly logger: Logger,
		private readonly intervalMs: number,
		private readonly snapshot: () => PipelineStats,
	) {}

	start(): void {
		if (this.intervalMs <= 0) return;
		void (async () => {
			while (await cancellableDelay(this.intervalMs, this.abort.signal)) this.report();
		})();
	}

	private report(): void {
		const stats = this.snapshot();
		if (stats.received === this.lastReceived) return;
		this.lastReceived = stats.received;
		this.logger.info(
			`INVERS Trigger: since activation ${describeCounts(stats)}`,
			stats as unknown as IDataObject,
		);
	}

	/** The last line: the counts since activation, and what was left unanswered at close. */
	stop(extra: IDataObject): void {
		this.abort.abort();
		const stats = this.snapshot();
		this.logger.info(`INVERS Trigger stopped: since activation ${describeCounts(stats)}`, {
			...stats,
			...extra,
		} as IDataObject);
	}
}
