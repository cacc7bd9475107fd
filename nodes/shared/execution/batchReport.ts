import type { IDataObject, JsonObject } from 'n8n-workflow';

import type { NodeError } from './itemErrors';

/**
 * What became of each item of a batch of writes that stopped at a failure, for the operator
 * (the error's description, one line per outcome) and for an error workflow (the same per item
 * in the error's data).
 */
export type ItemOutcome =
	/** Sent and confirmed by INVERS. */
	| 'carried_out'
	/** Settled without a request (e.g. a command skipped as unsupported). */
	| 'skipped'
	/** Refused, or failed before it could take effect: nothing happened. */
	| 'failed'
	/** Sent, but the answer was lost or a server error: it may or may not have happened. */
	| 'uncertain'
	/** Never sent: the batch stopped first. */
	| 'not_sent';

export interface ReportEntry {
	itemIndex: number;
	outcome: ItemOutcome;
	/** What the item acts on, in the API's names (e.g. vehicle_id, command). */
	subject: IDataObject;
	/** The item for people, e.g. "vehicle JQ7RP: UNLOCK_CENTRAL_LOCK". */
	label: string;
	/** The item in a long list, e.g. "JQ7RP". */
	target: string;
	/** The result of a carried-out item, or the error of a failed one. */
	result?: IDataObject;
	error?: NodeError;
}

/** How an operation's batch report speaks. */
export interface BatchWording {
	/** What a sent item did, in the past tense: "carried out", "added", "updated", "removed". */
	done: string;
	/** What to do about an item that may or may not have been carried out. */
	whenUncertain: string;
}

/** Carried-out items listed one by one (with their flow IDs) up to this many. */
const LIST_IN_FULL = 20;
/** Longer lists name only this many targets; every item is in the error's data. */
const LIST_TARGETS = 100;
const MAX_RANGES = 30;

/** "0–10, 14, 16–20" for the sorted item indices. */
export function formatIndices(indices: number[]): string {
	const ranges: string[] = [];
	for (let start = 0; start < indices.length; ) {
		let end = start;
		while (end + 1 < indices.length && indices[end + 1] === indices[end] + 1) end++;
		ranges.push(end === start ? String(indices[start]) : `${indices[start]}–${indices[end]}`);
		start = end + 1;
	}
	if (ranges.length <= MAX_RANGES) return ranges.join(', ');
	return `${ranges.slice(0, MAX_RANGES).join(', ')}, … (${ranges.length - MAX_RANGES} more ranges)`;
}

function items(entries: ReportEntry[]): string {
	const indices = entries.map((entry) => entry.itemIndex);
	return `${indices.length === 1 ? 'item' : 'items'} ${formatIndices(indices)}`;
}

function flowIdOf(entry: ReportEntry): string | undefined {
	const fromResult = entry.result?.flow_id;
	const fromError = (entry.error as { errorResponse?: JsonObject } | undefined)?.errorResponse
		?.flow_id;
	const flowId = fromResult ?? fromError;
	return typeof flowId === 'string' && flowId !== '' ? flowId : undefined;
}

/** The vehicle an item acted on: from its subject, or for an Add the new vehicle's ID. */
function vehicleIdOf(entry: ReportEntry): string | undefined {
	const id =
		entry.subject.vehicle_id ?? (entry.outcome === 'carried_out' ? entry.result?.id : undefined);
	return typeof id === 'string' ? id : undefined;
}

function describeDone(entry: ReportEntry): string {
	const added = entry.subject.vehicle_id === undefined ? vehicleIdOf(entry) : undefined;
	const flowId = flowIdOf(entry);
	return `item ${entry.itemIndex} ${entry.label}${added ? ` → vehicle ${added}` : ''}${flowId ? ` (flow ID ${flowId})` : ''}`;
}

function describeFailed(entry: ReportEntry): string {
	const flowId = flowIdOf(entry);
	const message = (entry.error?.message ?? 'failed').replace(/\.$/, '');
	// Error messages name their vehicle and command themselves (they have to stand alone): the
	// label is added only to one that does not.
	const label = message.includes(entry.target) ? '' : ` ${entry.label}`;
	return `item ${entry.itemIndex}${label}: ${message}${flowId ? ` (flow ID ${flowId})` : ''}`;
}

function doneLine(entries: ReportEntry[], wording: BatchWording): string | undefined {
	if (!entries.length) return undefined;
	const head = `${capitalize(wording.done)} (${entries.length}):`;
	if (entries.length <= LIST_IN_FULL) return `${head} ${entries.map(describeDone).join('; ')}.`;
	const targets = entries.slice(0, LIST_TARGETS).map((entry) => entry.target);
	const more = entries.length - targets.length;
	return `${head} ${items(entries)}: ${targets.join(', ')}${more > 0 ? ` and ${more} more` : ''} (flow IDs in the error data).`;
}

function capitalize(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The per-item lines of the error description. */
export function describeBatch(
	entries: ReportEntry[],
	wording: BatchWording,
	firstFailure: ReportEntry,
): string {
	const by = (outcome: ItemOutcome) => entries.filter((entry) => entry.outcome === outcome);
	const failed = by('failed');
	const uncertain = by('uncertain');
	const skipped = by('skipped');
	const notSent = by('not_sent');
	const lines = [
		`The batch stopped at the first failure: no item was started after it, and items already on their way were let finish. Items are numbered from 0, as in n8n.`,
		doneLine(by('carried_out'), wording) ?? `${capitalize(wording.done)}: none.`,
		skipped.length ? `Skipped, nothing sent (${skipped.length}): ${items(skipped)}.` : undefined,
		failed.length
			? `Failed, not ${wording.done} (${failed.length}): ${failed.map(describeFailed).join('; ')}.`
			: undefined,
		uncertain.length
			? `May or may not have been ${wording.done} (${uncertain.length}): ${uncertain.map(describeFailed).join('; ')}. ${wording.whenUncertain}`
			: undefined,
		notSent.length
			? `Not sent (${notSent.length}): ${items(notSent)}. Nothing reached INVERS for them: they can be sent again as they are.`
			: undefined,
		firstFailure.error?.description
			? `Item ${firstFailure.itemIndex}: ${firstFailure.error.description}`
			: undefined,
		'Each item’s outcome is also in the error data (batch.items), for an error workflow.',
	];
	return lines.filter((line) => line !== undefined).join('\n');
}

/** The same per item, as plain data. */
export function batchData(entries: ReportEntry[]): IDataObject {
	const count = (outcome: ItemOutcome) =>
		entries.filter((entry) => entry.outcome === outcome).length;
	return {
		items_total: entries.length,
		carried_out: count('carried_out'),
		skipped: count('skipped'),
		failed: count('failed'),
		uncertain: count('uncertain'),
		not_sent: count('not_sent'),
		items: entries.map((entry) => {
			const item: IDataObject = {
				item_index: entry.itemIndex,
				outcome: entry.outcome,
				...entry.subject,
			};
			const vehicleId = vehicleIdOf(entry);
			if (vehicleId) item.vehicle_id = vehicleId;
			const flowId = flowIdOf(entry);
			if (flowId) item.flow_id = flowId;
			if (entry.error) item.error = entry.error.message;
			return item;
		}),
	};
}
