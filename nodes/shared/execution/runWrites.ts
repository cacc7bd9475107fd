import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { requestOutcome } from '../transport/requestOutcome';
import type { BatchWording, ReportEntry } from './batchReport';
import { batchData, describeBatch, formatIndices } from './batchReport';
import { runBounded } from './boundedPool';
import type { NodeError } from './itemErrors';
import { asNodeError, errorItem } from './itemErrors';
import type { OperationResult } from './runItems';
import { inputIndices, outputItems } from './runItems';

/** One item of a write (command, add, update, remove), its parameters read and checked. */
export interface PreparedWrite {
	/** What the item acts on, in the API's names (e.g. vehicle_id and command). */
	subject: IDataObject;
	/** The item for people, e.g. "vehicle JQ7RP: UNLOCK_CENTRAL_LOCK". */
	label: string;
	/** The item in a long list, e.g. "JQ7RP". */
	target: string;
	/** Sends the item's request and returns its result. */
	send?: () => Promise<OperationResult>;
	/** The item's result when it needs no request (e.g. a command skipped as unsupported). */
	settled?: OperationResult;
}

/** Reads and checks one item's parameters (and anything else to know first); sends nothing. */
export type PrepareWrite = (this: IExecuteFunctions, itemIndex: number) => Promise<PreparedWrite>;

export interface RunWritesOptions {
	concurrency?: number;
	wording: BatchWording;
}

/**
 * Whether a failed item may still have taken effect. An error that did not come from a request
 * (the transport records what each request may have done) is counted as uncertain: nothing is
 * claimed to have failed harmlessly unless the API's answer says so.
 */
function failureOutcome(error: unknown): 'failed' | 'uncertain' {
	const outcome = requestOutcome(error);
	if (!outcome) return 'uncertain';
	return outcome.mayHaveRun || outcome.earlierAttemptMayHaveRun ? 'uncertain' : 'failed';
}

/** The error of a run whose item(s) failed the check: nothing was sent. */
function refusedError(refused: Map<number, NodeError>, count: number): NodeError {
	const indices = [...refused.keys()].sort((a, b) => a - b);
	const error = refused.get(indices[0])!;
	if (count > 1) {
		const which =
			indices.length === 1 ? `item ${indices[0]} was` : `items ${formatIndices(indices)} were`;
		error.description = [
			error.description,
			`Nothing was sent: every item is checked before the first request goes out, and ${which} refused (items are numbered from 0, as in n8n).`,
		]
			.filter(Boolean)
			.join('\n');
	}
	return error;
}

/** The first failure, made into the error of the whole batch: what happened to every item. */
function batchError(entries: ReportEntry[], first: ReportEntry, wording: BatchWording): NodeError {
	const error = first.error!;
	const count = (outcome: ReportEntry['outcome']) =>
		entries.filter((entry) => entry.outcome === outcome).length;
	const description = describeBatch(entries, wording, first);
	const others = [
		`${count('carried_out')} of ${entries.length} ${wording.done}`,
		count('uncertain') ? `${count('uncertain')} may or may not have been` : undefined,
		count('not_sent') ? `${count('not_sent')} not sent` : undefined,
	].filter(Boolean);
	error.message = `${error.message} [item ${first.itemIndex}; batch stopped: ${others.join(', ')}]`;
	error.description = description;
	error.context.itemIndex = first.itemIndex;
	const data = error.context.data;
	error.context.data = {
		...(data && typeof data === 'object' ? (data as IDataObject) : {}),
		batch: batchData(entries),
	};
	return error;
}

/**
 * The item loop of the writes, in two steps. First every item's parameters are read and checked
 * (and, for commands, the vehicle's capabilities read where asked): an item that fails the check
 * fails the node before anything is sent. Then the items are sent, `concurrency` at once, results
 * in input order. Without "Continue On Fail" the first failure stops the batch: no further item
 * starts, those on their way finish, and the error says for every item whether it was carried
 * out, failed, may or may not have been carried out, or was not sent. With "Continue On Fail"
 * every item keeps its own result or error item.
 */
export async function runWrites(
	this: IExecuteFunctions,
	prepare: PrepareWrite,
	options: RunWritesOptions,
): Promise<INodeExecutionData[]> {
	const indices = inputIndices(this);
	const concurrency = options.concurrency ?? 1;
	const continueOnFail = this.continueOnFail();
	const results: INodeExecutionData[][] = new Array(indices.length);
	const prepared: Array<PreparedWrite | undefined> = new Array(indices.length);

	const refused = new Map<number, NodeError>();
	await runBounded(
		indices,
		concurrency,
		async (itemIndex) => {
			try {
				prepared[itemIndex] = await prepare.call(this, itemIndex);
			} catch (error) {
				const nodeError = asNodeError(this, error, itemIndex);
				if (continueOnFail) {
					results[itemIndex] = [errorItem(nodeError, itemIndex, {}, { outcome: 'failed' })];
				} else refused.set(itemIndex, nodeError);
			}
		},
		() => refused.size > 0,
	);
	if (refused.size) throw refusedError(refused, indices.length);

	const entries: ReportEntry[] = [];
	const toSend: number[] = [];
	for (const itemIndex of indices) {
		const item = prepared[itemIndex];
		if (!item) continue;
		const entry: ReportEntry = { itemIndex, outcome: 'not_sent', ...item };
		entries.push(entry);
		if (item.send) toSend.push(itemIndex);
		else {
			entry.outcome = 'skipped';
			results[itemIndex] = outputItems(item.settled ?? {}, itemIndex);
		}
	}
	const entryOf = new Map(entries.map((entry) => [entry.itemIndex, entry]));

	let firstFailure: ReportEntry | undefined;
	await runBounded(
		toSend,
		concurrency,
		async (itemIndex) => {
			const entry = entryOf.get(itemIndex)!;
			try {
				const result = await prepared[itemIndex]!.send!();
				results[itemIndex] = outputItems(result, itemIndex);
				entry.outcome = 'carried_out';
				entry.result = Array.isArray(result) ? result[0] : result;
			} catch (error) {
				const nodeError = asNodeError(this, error, itemIndex);
				entry.outcome = failureOutcome(error);
				entry.error = nodeError;
				if (continueOnFail) {
					results[itemIndex] = [
						errorItem(nodeError, itemIndex, entry.subject, { outcome: entry.outcome }),
					];
				} else firstFailure ??= entry;
			}
		},
		() => firstFailure !== undefined,
	);
	if (firstFailure) {
		if (indices.length === 1) throw firstFailure.error!;
		throw batchError(entries, firstFailure, options.wording);
	}
	return results.flat();
}
