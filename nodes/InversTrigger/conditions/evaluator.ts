import type { ParsedEvent } from '../events/parseEvent';
import { eventVehicleId } from '../events/parseEvent';
import { readTimestamp } from '../events/timestamps';
import type { FutureClock } from '../futureClock';
import type { ConditionDefinition, ConditionTest, WatchedSource } from './definitions';
import { distanceMetres, insideBox, readPoint } from './geo';
import type { VehicleRecord } from './memory';
import { VehicleMemory } from './memory';
import { containerOf, observe, sourceOf } from './observe';

export type TransitionKind = 'entered' | 'cleared' | 'changed';

export interface Transition {
	condition: ConditionDefinition;
	transition: TransitionKind;
	/** The value known before this event; undefined when the vehicle had none yet. */
	previousValue: unknown;
	currentValue: unknown;
	/** When the current value was true (the property's timestamp), ms since the epoch. */
	valueAt: number;
}

/** What one event did to a vehicle's conditions, when it starts the workflow. */
export interface Evaluation {
	vehicleId: string;
	transitions: Transition[];
	/** Names of the conditions met for the vehicle after the event. */
	conditionsMet: string[];
}

export interface EvaluatorOptions {
	/** Also start the workflow when a condition is cleared (it is always recorded). */
	startWhenCleared: boolean;
	/** A condition already met the first time a vehicle's value is seen is recorded, not started. */
	skipMetAtStart: boolean;
	/** At most this many vehicles are remembered; the least recently seen are forgotten. */
	maxVehicles: number;
	/** Called when a vehicle is forgotten to stay within the cap. */
	onForget?: (vehicleId: string) => void;
	/** Refuses values stamped too far ahead (they would win against every real later value). */
	clock?: FutureClock;
}

/** A watched value: its slot in the vehicle records and the conditions reading it. */
interface Slot {
	index: number;
	name: string;
	source: WatchedSource;
	conditions: number[];
}

/**
 * The watched conditions of one activation. `evaluate` takes the events in delivery order, merges
 * what each reports into the vehicle's last known values (per value, by the value's own time: an
 * older event never overwrites a newer value, a partial state changes only what it carries) and
 * tells which conditions this event entered, cleared or changed. Pure: no I/O, no timers.
 */
export class ConditionEvaluator {
	readonly memory: VehicleMemory;
	private readonly slotsBySource: Record<WatchedSource, Slot[]> = { state: [], vehicle: [] };

	constructor(
		readonly definitions: ConditionDefinition[],
		private readonly options: EvaluatorOptions,
		private readonly now: () => number = Date.now,
	) {
		const slots = new Map<string, Slot>();
		definitions.forEach((definition, conditionIndex) => {
			const key = `${definition.watched.source}:${definition.watched.name}`;
			let slot = slots.get(key);
			if (!slot) {
				slot = { index: slots.size, conditions: [], ...definition.watched };
				slots.set(key, slot);
				this.slotsBySource[slot.source].push(slot);
			}
			slot.conditions.push(conditionIndex);
		});
		this.memory = new VehicleMemory(
			options.maxVehicles,
			slots.size,
			options.onForget && ((record) => options.onForget!(record.vehicleId)),
		);
	}

	/** Undefined when the event starts nothing (no transition, or none the options start for). */
	evaluate(event: ParsedEvent): Evaluation | undefined {
		const source = sourceOf(event);
		if (!source) return undefined;
		const slots = this.slotsBySource[source];
		if (!slots.length) return undefined;
		const container = containerOf(event, source);
		const vehicleId = container && eventVehicleId(event);
		if (!container || !vehicleId) return undefined;

		let record = this.memory.touch(vehicleId);
		let eventTime: number | undefined;
		const timeOfEvent = () =>
			(eventTime ??= (event.occurredAt && readTimestamp(event.occurredAt)?.millis) || this.now());
		let transitions: Transition[] | undefined;
		for (const slot of slots) {
			const seen = observe(container, slot.name, source, timeOfEvent);
			if (!seen || (this.options.clock && !this.options.clock.accepts(seen.at, vehicleId))) {
				continue;
			}
			record ??= this.memory.add(vehicleId);
			const knownAt = record.times[slot.index];
			// Not newer than what is known (older, or a copy of the same report): nothing changes.
			if (seen.at <= knownAt) continue;
			const previous = record.values[slot.index];
			const hadPrevious = !Number.isNaN(knownAt);
			record.values[slot.index] = seen.value;
			record.times[slot.index] = seen.at;
			for (const conditionIndex of slot.conditions) {
				const kind = this.step(record, conditionIndex, hadPrevious, previous, seen.value);
				if (!kind) continue;
				(transitions ??= []).push({
					condition: this.definitions[conditionIndex],
					transition: kind,
					previousValue: hadPrevious ? previous : undefined,
					currentValue: seen.value,
					valueAt: seen.at,
				});
			}
		}
		if (!transitions) return undefined;
		return { vehicleId, transitions, conditionsMet: this.metNames(record!) };
	}

	/** Moves one condition of a vehicle to its new state; tells the transition to start for. */
	private step(
		record: VehicleRecord,
		conditionIndex: number,
		hadPrevious: boolean,
		previous: unknown,
		value: unknown,
	): TransitionKind | undefined {
		const test = this.definitions[conditionIndex].test;
		if (test.kind === 'changed') {
			// A first value is no change: there is nothing to compare it with.
			return hadPrevious && !sameValue(previous, value) ? 'changed' : undefined;
		}
		const bit = 1 << conditionIndex;
		const wasKnown = (record.known & bit) !== 0;
		const wasMet = (record.met & bit) !== 0;
		const met = isMet(test, value, wasMet);
		// A value the condition cannot read (not a number, not a position) changes nothing.
		if (met === undefined) return undefined;
		record.known |= bit;
		if (met) record.met |= bit;
		else record.met &= ~bit;
		if (!wasKnown) return met && !this.options.skipMetAtStart ? 'entered' : undefined;
		if (met && !wasMet) return 'entered';
		if (!met && wasMet && this.options.startWhenCleared) return 'cleared';
		return undefined;
	}

	private metNames(record: VehicleRecord): string[] {
		const names: string[] = [];
		if (record.met === 0) return names;
		this.definitions.forEach((definition, index) => {
			if (record.met & (1 << index)) names.push(definition.name);
		});
		return names;
	}
}

/**
 * Whether the condition holds for `value`. A met condition stays met until the value is past the
 * hysteresis (back at threshold + hysteresis, or that far inside the area), so a value wobbling
 * around the threshold does not flap. Undefined when the value cannot be read.
 */
export function isMet(test: ConditionTest, value: unknown, wasMet: boolean): boolean | undefined {
	switch (test.kind) {
		case 'below': {
			const level = readNumber(value);
			if (level === undefined) return undefined;
			return level < (wasMet ? test.clearAt : test.threshold);
		}
		case 'outsideCircle': {
			const point = readPoint(value);
			if (!point) return undefined;
			const distance = distanceMetres(test.circle, point);
			return distance > (wasMet ? test.clearWithin : test.circle.radius);
		}
		case 'outsideBox': {
			const point = readPoint(value);
			if (!point) return undefined;
			return !insideBox(point, wasMet ? test.clearBox : test.box);
		}
		case 'equals': {
			const matches = textOf(value).toLowerCase() === test.expected;
			return matches !== test.negate;
		}
		case 'changed':
			return undefined;
	}
}

function readNumber(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

/** Values compare as text: `true` equals "true", 12 equals "12", objects by their JSON. */
function textOf(value: unknown): string {
	return value !== null && typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function sameValue(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
	return JSON.stringify(a) === JSON.stringify(b);
}
