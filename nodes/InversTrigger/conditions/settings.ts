import type { ITriggerFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { RawCondition } from './definitions';
import { ConditionSettingError, readConditions } from './definitions';
import { DEFAULT_MAX_WATCHED_VEHICLES } from './description';
import type { ConditionSettings } from './watcher';

/**
 * "Start the Workflow: When a Watched Condition Changes", read and checked at activation;
 * undefined for "For Every Event". A mistake stops the activation with a message naming the
 * condition and the field.
 */
export function readConditionSettings(context: ITriggerFunctions): ConditionSettings | undefined {
	if (context.getNodeParameter('startOn', 'everyEvent') !== 'conditionChange') return undefined;
	const node = context.getNode();
	const raw = context.getNodeParameter('conditions', {}) as { condition?: RawCondition[] };
	const options = context.getNodeParameter('options', {}) as { maxWatchedVehicles?: unknown };
	const maxVehicles = Number(options.maxWatchedVehicles ?? DEFAULT_MAX_WATCHED_VEHICLES);
	if (!Number.isInteger(maxVehicles) || maxVehicles < 1) {
		throw new NodeOperationError(
			node,
			`"Max Watched Vehicles" must be a whole number of at least 1, got ${JSON.stringify(options.maxWatchedVehicles)}`,
		);
	}
	try {
		return {
			definitions: readConditions(raw.condition ?? []),
			startWhenCleared: context.getNodeParameter('startWhenCleared', false) === true,
			skipMetAtStart: context.getNodeParameter('skipMetAtStart', false) === true,
			maxVehicles,
		};
	} catch (error) {
		const description = error instanceof ConditionSettingError ? error.description : undefined;
		throw new NodeOperationError(node, (error as Error).message, { description });
	}
}
