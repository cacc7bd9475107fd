/**
 * How a saved-workflow fixture's expected output is compared with what a run put out (the
 * convention of test/e2e/fixtures/saved-workflows, see docs/development.md): used by the e2e
 * runner in real n8n and by the unit tests that run the same fixtures through n8n-core.
 */

/** In an expected item: the field is there and not null, whatever its value (ids, flow ids). */
export const ANY = '{{any}}';

/**
 * Where `actual` differs from `expected`: an object matches when each expected field matches (other
 * fields are ignored: they may be volatile or new), an array when it has as many entries and each
 * matches, `{{any}}` when the value is there and not null, anything else when equal.
 */
export function differences(actual: unknown, expected: unknown, at = '$'): string[] {
	if (expected === ANY) {
		return actual === undefined || actual === null ? [`${at}: missing (expected any value)`] : [];
	}
	if (Array.isArray(expected)) {
		if (!Array.isArray(actual)) return [`${at}: expected an array, got ${JSON.stringify(actual)}`];
		if (actual.length !== expected.length) {
			return [
				`${at}: expected ${expected.length} entries, got ${actual.length}: ${JSON.stringify(actual).slice(0, 500)}`,
			];
		}
		return expected.flatMap((entry, index) => differences(actual[index], entry, `${at}[${index}]`));
	}
	if (expected && typeof expected === 'object') {
		if (!actual || typeof actual !== 'object' || Array.isArray(actual)) {
			return [`${at}: expected an object, got ${JSON.stringify(actual)}`];
		}
		return Object.entries(expected).flatMap(([key, value]) =>
			differences((actual as Record<string, unknown>)[key], value, `${at}.${key}`),
		);
	}
	return actual === expected
		? []
		: [`${at}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}
