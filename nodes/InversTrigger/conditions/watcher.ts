import type { IDataObject, Logger } from 'n8n-workflow';

import type { Settlement } from '../ack/ackModes';
import type { ParsedEvent } from '../events/parseEvent';
import type { FutureClock } from '../futureClock';
import type { ConditionDefinition } from './definitions';
import type { Evaluation } from './evaluator';
import { ConditionEvaluator } from './evaluator';

/** "When a Watched Condition Changes", as read from the parameters at activation. */
export interface ConditionSettings {
	definitions: ConditionDefinition[];
	startWhenCleared: boolean;
	skipMetAtStart: boolean;
	maxVehicles: number;
}

/**
 * Started transitions waiting for their answer, remembered by event ID. Bounded: only events
 * requeued and never redelivered to this consumer stay longer than their execution.
 */
const MAX_UNANSWERED = 10_000;

/**
 * The watched conditions inside the event pipeline: evaluates each event in delivery order
 * (before its execution starts, so the result does not depend on the parallel limit or the
 * acknowledge mode) and turns a transition into the items of one execution.
 *
 * A transition is recorded when its event is evaluated. If that execution is not acknowledged
 * (Only When Execution Succeeds: a failed run is requeued), the event comes back; its values are
 * known by then, so evaluating it again would find no transition and swallow the retry. The
 * transitions of every started event are therefore kept until the event is acknowledged or
 * rejected, and a redelivered copy starts the workflow again with the same transitions.
 */
export class ConditionWatcher {
	private readonly evaluator: ConditionEvaluator;
	private readonly unanswered = new Map<string, Evaluation>();

	constructor(settings: ConditionSettings, logger: Logger, clock?: FutureClock) {
		let warned = false;
		this.evaluator = new ConditionEvaluator(settings.definitions, {
			...settings,
			clock,
			onForget: (vehicleId) => {
				if (warned) return;
				warned = true;
				logger.warn(
					`INVERS Trigger: more than ${settings.maxVehicles} vehicles are watched; the least recently seen ones are forgotten (first: ${vehicleId}). A forgotten vehicle counts as first seen when it reports again. Raise the "Max Watched Vehicles" option to keep more.`,
				);
			},
		});
	}

	/** Vehicles remembered now, and forgotten so far to stay within the cap. */
	get watchedVehicles(): number {
		return this.evaluator.memory.size;
	}

	get forgottenVehicles(): number {
		return this.evaluator.memory.dropped;
	}

	/** The transitions the event starts the workflow for; undefined when it starts nothing. */
	check(event: ParsedEvent, redelivered: boolean): Evaluation | undefined {
		if (redelivered) {
			const retry = this.unanswered.get(event.id);
			if (retry) return retry;
		}
		const evaluation = this.evaluator.evaluate(event);
		if (evaluation) this.remember(event.id, evaluation);
		return evaluation;
	}

	/** The event's delivery was answered: a requeued one keeps its transitions for the retry. */
	answered(eventId: string, settlement: Settlement): void {
		if (settlement !== 'requeue') this.unanswered.delete(eventId);
	}

	/** One item per transition: the condition's fields first, then the event's item. */
	items(eventItem: IDataObject, evaluation: Evaluation): IDataObject[] {
		return evaluation.transitions.map((transition) => ({
			condition: transition.condition.name,
			transition: transition.transition,
			previous_value: (transition.previousValue ?? null) as IDataObject[string],
			current_value: (transition.currentValue ?? null) as IDataObject[string],
			value_recorded_at: new Date(transition.valueAt).toISOString(),
			conditions_met: evaluation.conditionsMet,
			...eventItem,
		}));
	}

	private remember(eventId: string, evaluation: Evaluation): void {
		this.unanswered.delete(eventId);
		if (this.unanswered.size >= MAX_UNANSWERED) {
			const oldest = this.unanswered.keys().next();
			if (!oldest.done) this.unanswered.delete(oldest.value);
		}
		this.unanswered.set(eventId, evaluation);
	}
}
