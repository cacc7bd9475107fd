import type { ITriggerFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { BatchSettings } from './batcher';
import { BATCH_DEFAULTS, BATCH_LIMITS } from './description';

/**
 * "Start the Workflow: In Batches", read and checked at activation; undefined for the other
 * modes. A value out of range stops the activation with the field named.
 */
export function readBatchSettings(context: ITriggerFunctions): BatchSettings | undefined {
	if (context.getNodeParameter('startOn', 'everyEvent') !== 'batch') return undefined;
	const node = context.getNode();
	const number = (name: string, label: string, fallback: number, min: number, max: number) => {
		const value = Number(context.getNodeParameter(name, fallback));
		if (!Number.isFinite(value) || value < min || value > max) {
			throw new NodeOperationError(
				node,
				`"${label}" must be a number from ${min} to ${max.toLocaleString('en')}, got ${JSON.stringify(context.getNodeParameter(name, fallback))}`,
			);
		}
		return value;
	};
	const whole = (name: string, label: string, fallback: number, max: number) => {
		const value = number(name, label, fallback, 1, max);
		if (!Number.isInteger(value)) {
			throw new NodeOperationError(node, `"${label}" must be a whole number, got ${value}`);
		}
		return value;
	};
	const options = context.getNodeParameter('options', {}) as { maxBatchSizeMb?: unknown };
	const maxSizeMb = Number(options.maxBatchSizeMb ?? BATCH_DEFAULTS.maxSizeMb);
	if (!Number.isFinite(maxSizeMb) || maxSizeMb < 1) {
		throw new NodeOperationError(
			node,
			`"Max Batch Size (MB)" must be at least 1, got ${JSON.stringify(options.maxBatchSizeMb)}`,
		);
	}
	return {
		maxEvents: whole(
			'batchMaxEvents',
			'Max Events per Batch',
			BATCH_DEFAULTS.maxEvents,
			BATCH_LIMITS.maxEvents,
		),
		maxWaitMs:
			number(
				'batchMaxWait',
				'Max Wait (Seconds)',
				BATCH_DEFAULTS.maxWaitSeconds,
				0.01,
				BATCH_LIMITS.maxWaitSeconds,
			) * 1000,
		parallel: whole(
			'parallelBatches',
			'Parallel Batches',
			BATCH_DEFAULTS.parallel,
			BATCH_LIMITS.parallel,
		),
		maxBytes: maxSizeMb * 2 ** 20,
		latestPerVehicle: context.getNodeParameter('latestPerVehicle', false) === true,
	};
}
