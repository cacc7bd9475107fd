/**
 * Injected faults for resilience tests: a rule matches requests by method and path and answers
 * them with an error, a gateway HTML page, a redirect, a delay, a dropped connection, a 429 or
 * any raw body (a proxy's page with 200, an empty body) instead of (or after) handling them for
 * real.
 */
import { TOKEN_PATH } from './apiNames';
import type { FaultKind, FaultRule } from './types';

const KINDS: readonly FaultKind[] = [
	'status',
	'html',
	'slow',
	'drop',
	'rate-limit',
	'redirect',
	'body',
];
const TOKEN_PATHNAME = TOKEN_PATH.split('?')[0];

interface ActiveRule {
	rule: FaultRule;
	pathPattern: RegExp | undefined;
	remaining: number;
	toSkip: number;
}

export class FaultRegistry {
	private rules: ActiveRule[] = [];

	/** Adds a rule; throws an Error saying what is wrong with an invalid one. */
	add(input: FaultRule): FaultRule {
		const problem = faultRuleProblem(input);
		if (problem) throw new Error(`invalid fault rule: ${problem}`);
		const rule: FaultRule = { ...input, times: input.times ?? 1 };
		this.rules.push({
			rule,
			pathPattern: rule.path === undefined ? undefined : new RegExp(rule.path),
			remaining: rule.times ?? 1,
			toSkip: rule.skip ?? 0,
		});
		return rule;
	}

	clear(): void {
		this.rules = [];
	}

	/** The rules still armed, with how many hits each has left. */
	list(): Array<FaultRule & { remaining: number }> {
		return this.rules.map(({ rule, remaining }) => ({ ...rule, remaining }));
	}

	/**
	 * Takes one hit of the first rule matching the request. A rule without `path` leaves the token
	 * endpoint alone: "fail the next call" should hit the API call, not the token fetch before it.
	 */
	take(method: string, pathname: string): FaultRule | undefined {
		const index = this.rules.findIndex(({ rule, pathPattern }) => {
			if (rule.method && rule.method.toUpperCase() !== method) return false;
			if (!pathPattern) return pathname !== TOKEN_PATHNAME;
			return pathPattern.test(pathname);
		});
		if (index < 0) return undefined;
		const active = this.rules[index];
		if (active.toSkip > 0) {
			active.toSkip--;
			return undefined;
		}
		active.remaining--;
		if (active.remaining <= 0) this.rules.splice(index, 1);
		return active.rule;
	}
}

/** What is wrong with a rule (from JSON or code), or undefined if it is valid. */
export function faultRuleProblem(input: unknown): string | undefined {
	if (!input || typeof input !== 'object' || Array.isArray(input)) return 'must be an object';
	const rule = input as Record<string, unknown>;
	const allowed = [
		'method',
		'path',
		'times',
		'skip',
		'kind',
		'status',
		'problemType',
		'detail',
		'delayMs',
		'retryAfterSeconds',
		'executeBeforeFault',
		'location',
		'body',
		'contentType',
	];
	const unknown = Object.keys(rule).find((key) => !allowed.includes(key));
	if (unknown) return `unknown property '${unknown}'`;
	if (!KINDS.includes(rule.kind as FaultKind)) return `kind must be one of ${KINDS.join(', ')}`;
	if (rule.method !== undefined && typeof rule.method !== 'string') {
		return 'method must be a string';
	}
	if (rule.path !== undefined) {
		if (typeof rule.path !== 'string') return 'path must be a RegExp source string';
		try {
			new RegExp(rule.path);
		} catch (error) {
			return `path is not a valid RegExp: ${error.message}`;
		}
	}
	if (rule.times !== undefined && !(typeof rule.times === 'number' && rule.times >= 1)) {
		return 'times must be a number >= 1';
	}
	if (rule.skip !== undefined && !(Number.isInteger(rule.skip) && (rule.skip as number) >= 0)) {
		return 'skip must be an integer >= 0';
	}
	if (
		rule.status !== undefined &&
		!(
			Number.isInteger(rule.status) &&
			(rule.status as number) >= 100 &&
			(rule.status as number) <= 599
		)
	) {
		return 'status must be an HTTP status code';
	}
	for (const key of ['problemType', 'detail', 'location', 'body', 'contentType'] as const) {
		if (rule[key] !== undefined && typeof rule[key] !== 'string') return `${key} must be a string`;
	}
	for (const key of ['delayMs', 'retryAfterSeconds'] as const) {
		if (rule[key] !== undefined && !(typeof rule[key] === 'number' && (rule[key] as number) >= 0)) {
			return `${key} must be a number >= 0`;
		}
	}
	if (rule.executeBeforeFault !== undefined && typeof rule.executeBeforeFault !== 'boolean') {
		return 'executeBeforeFault must be a boolean';
	}
	return undefined;
}
