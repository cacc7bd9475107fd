import type { JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { listQuery, pageSizes } from '../contract';
import type { OneApiContext } from './connection';
import { connection } from './connection';
import { failureBehind } from './httpFailure';
import { parseJsonObject } from './problemErrors';

/**
 * How many vehicles one page of the vehicle list asks for. INVERS does not document its largest
 * `limit`, so the package starts at `pageSizes.first`, and a 400 that names `limit` makes it ask
 * for the same page again, smaller: the maximum the problem names if it names one, else half,
 * down to `pageSizes.smallest`. The size that worked is kept per Base URL for every later
 * execution and list search of this n8n process, and logged once. A size the user set (the Page
 * Size option) is used as is: when INVERS refuses it, the error says so.
 */

/** Sizes INVERS accepted after refusing a larger one, per Base URL (for the whole process). */
const acceptedPageSizes = new Map<string, number>();

/** Forgets every size learnt (for tests: a fresh process). */
export function forgetAcceptedPageSizes(): void {
	acceptedPageSizes.clear();
}

export interface PageSizing {
	/** The Page Size option: sent as is, never adapted. */
	explicit?: number;
	/** The largest page the caller wants while no refusal is known (default `pageSizes.first`). */
	preferred?: number;
	/** How many more items the caller needs at most: a page never asks for more. */
	wanted?: number;
	itemIndex?: number;
}

/** Sends one page request (`send` puts `limit` in the query) with a page size INVERS accepts. */
export async function requestListPage<T>(
	context: OneApiContext,
	sizing: PageSizing,
	send: (limit: number) => Promise<T>,
): Promise<T> {
	const capped = (size: number) => Math.max(1, Math.min(size, sizing.wanted ?? Infinity));
	if (sizing.explicit !== undefined) {
		const size = capped(sizing.explicit);
		try {
			return await send(size);
		} catch (error) {
			if (!limitRefusalOf(error, size)) throw asNodeError(context, error);
			throw explicitSizeRefused(context, error as NodeApiError, size, sizing.itemIndex);
		}
	}

	const { baseUrl } = await connection(context);
	const preferred = sizing.preferred ?? pageSizes.first;
	let size = capped(Math.min(preferred, acceptedPageSizes.get(baseUrl) ?? preferred));
	const refused: number[] = [];
	for (;;) {
		try {
			const result = await send(size);
			if (refused.length > 0) rememberAccepted(context, baseUrl, refused[0], size);
			return result;
		} catch (error) {
			const refusal = limitRefusalOf(error, size);
			if (!refusal) throw asNodeError(context, error);
			refused.push(size);
			const next = smallerSize(size, refusal.maxHint);
			if (next === undefined) {
				throw everySizeRefused(context, error as NodeApiError, refused, sizing.itemIndex);
			}
			size = next;
		}
	}
}

/** The transport's errors are node errors already; anything else is wrapped, none goes out raw. */
function asNodeError(context: OneApiContext, error: unknown): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(context.getNode(), error as Error);
}

function smallerSize(refused: number, maxHint: number | undefined): number | undefined {
	if (maxHint !== undefined) return maxHint;
	if (refused <= pageSizes.smallest) return undefined;
	return Math.max(pageSizes.smallest, Math.floor(refused / 2));
}

function rememberAccepted(
	context: OneApiContext,
	baseUrl: string,
	firstRefused: number,
	accepted: number,
): void {
	const known = acceptedPageSizes.get(baseUrl);
	// Parallel executions learn the same size: only a new, smaller one is news.
	if (known !== undefined && known <= accepted) return;
	acceptedPageSizes.set(baseUrl, accepted);
	context.logger.info(
		`INVERS OneAPI at ${withoutUserInfo(baseUrl)} refused pages of ${firstRefused} vehicles (a 400 naming "${listQuery.limit}"); the INVERS nodes ask for ${accepted} per page from now on, until n8n restarts. Get Many's "Page Size" option sets a size of your own.`,
	);
}

/** The Base URL for a log line: never with a user or password someone put into it. */
function withoutUserInfo(baseUrl: string): string {
	try {
		const url = new URL(baseUrl);
		url.username = '';
		url.password = '';
		return url.href.replace(/\/$/, '');
	} catch {
		return "(the credential's Base URL)";
	}
}

function limitRefusalOf(error: unknown, sentSize: number): LimitRefusal | undefined {
	const failure = failureBehind(error);
	return failure ? readLimitRefusal(failure, sentSize) : undefined;
}

function problemFacts(error: NodeApiError): { data: JsonObject; detail?: string; flow?: string } {
	const data = (error.errorResponse ?? {}) as JsonObject;
	const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
	return { data, detail: text(data.detail), flow: text(data.flow_id) };
}

function explicitSizeRefused(
	context: OneApiContext,
	error: NodeApiError,
	size: number,
	itemIndex: number | undefined,
): NodeApiError {
	const { data, detail, flow } = problemFacts(error);
	return new NodeApiError(context.getNode(), data, {
		message: `INVERS refused the page size ${size}`,
		description: [
			`The tenant does not accept pages of ${size} vehicles, the size set in the "Page Size" option${detail ? ` (INVERS: ${detail})` : ''}.`,
			'Lower the option, or remove it to let the node find a size INVERS accepts.',
			flow ? `Flow ID: ${flow}` : '',
		]
			.filter(Boolean)
			.join(' '),
		httpCode: '400',
		itemIndex,
	});
}

function everySizeRefused(
	context: OneApiContext,
	error: NodeApiError,
	refused: number[],
	itemIndex: number | undefined,
): NodeApiError {
	const { data, detail, flow } = problemFacts(error);
	return new NodeApiError(context.getNode(), data, {
		message: `INVERS refused every page size down to ${refused[refused.length - 1]}`,
		description: [
			`The node asked for pages of ${refused.join(', ')} vehicles, and INVERS answered each with a 400 naming "${listQuery.limit}"${detail ? ` (INVERS: ${detail})` : ''}.`,
			'Set the "Page Size" option of Get Many (under Options) to a size your tenant accepts, or give INVERS support the flow ID.',
			flow ? `Flow ID: ${flow}` : '',
		]
			.filter(Boolean)
			.join(' '),
		httpCode: '400',
		itemIndex,
	});
}

export interface LimitRefusal {
	/** The largest page size the problem seems to allow (a number below the size sent), if any. */
	maxHint?: number;
}

/** Where problem bodies list the fields they refuse (RFC 7807's `invalid_params` and others). */
const FIELD_LIST_KEYS = [
	'invalid_params',
	'invalidParams',
	'invalid_parameters',
	'errors',
	'violations',
	'fields',
	'params',
	'parameters',
	'validation_errors',
];
/** The keys of a field list entry that name the field. */
const NAME_KEYS = [
	'name',
	'field',
	'param',
	'parameter',
	'property',
	'path',
	'pointer',
	'key',
	'loc',
];
/** Free-text keys of the problem itself. */
const TEXT_KEYS = ['detail', 'title', 'message', 'error', 'error_description'];

/** `limit`, `query.limit`, `/limit`, `[limit]` (any case): the field path ends with the name. */
function isLimitName(name: unknown): boolean {
	if (Array.isArray(name)) return isLimitName(name[name.length - 1]);
	if (typeof name !== 'string') return false;
	const last = name
		.split(/[./[\]'"]+/)
		.filter(Boolean)
		.pop();
	return last?.toLowerCase() === listQuery.limit;
}

/** A text that names the parameter (not a word containing it, not the rate limit). */
function mentionsLimit(text: string): boolean {
	const withoutRateLimit = text.replace(/rate[\s_-]*limit/gi, '');
	return new RegExp(`(^|[^A-Za-z0-9_-])${listQuery.limit}($|[^A-Za-z0-9_-])`, 'i').test(
		withoutRateLimit,
	);
}

function collect(value: unknown, texts: string[], numbers: number[]): void {
	if (typeof value === 'string') texts.push(value);
	else if (typeof value === 'number') numbers.push(value);
	else if (Array.isArray(value)) value.forEach((entry) => collect(entry, texts, numbers));
	else if (value && typeof value === 'object') {
		Object.values(value).forEach((entry) => collect(entry, texts, numbers));
	}
}

/**
 * Whether a failed list request was refused for its `limit`: a 400 whose problem names the
 * parameter in a field list or in its text, read tolerantly since INVERS documents no shape for
 * it. The numbers around that mention that lie below the size sent hint at the maximum.
 */
export function readLimitRefusal(
	failure: { status?: number; body?: unknown },
	sentSize: number,
): LimitRefusal | undefined {
	if (failure.status !== 400) return undefined;
	const problem = parseJsonObject(failure.body);
	if (!problem) return undefined;
	const texts: string[] = [];
	const numbers: number[] = [];
	let named = false;
	for (const key of FIELD_LIST_KEYS) {
		const list = problem[key];
		if (Array.isArray(list)) {
			for (const entry of list) {
				if (typeof entry === 'string' ? mentionsLimit(entry) : namesLimit(entry)) {
					named = true;
					collect(entry, texts, numbers);
				}
			}
		} else if (list && typeof list === 'object') {
			for (const [field, entry] of Object.entries(list)) {
				if (!isLimitName(field)) continue;
				named = true;
				collect(entry, texts, numbers);
			}
		}
	}
	for (const key of TEXT_KEYS) {
		const text = problem[key];
		if (typeof text === 'string' && mentionsLimit(text)) {
			named = true;
			texts.push(text);
		}
	}
	if (!named) return undefined;
	for (const text of texts)
		for (const match of text.matchAll(/\d+/g)) numbers.push(Number(match[0]));
	const below = numbers.filter((n) => Number.isInteger(n) && n >= 1 && n < sentSize);
	return { maxHint: below.length > 0 ? Math.max(...below) : undefined };
}

function namesLimit(entry: unknown): boolean {
	if (!entry || typeof entry !== 'object') return false;
	const fields = entry as Record<string, unknown>;
	return NAME_KEYS.some((key) => isLimitName(fields[key]));
}
