/** Timestamps as the API writes them: UTC ISO-8601 with `Z`. */
export function isoTimestamp(epochMs: number = Date.now()): string {
	return new Date(epochMs).toISOString();
}

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * isoTimestamp with a memory, for generating a fleet: formatting dominates the generation of
 * 20,000 vehicles, while their report times fall on a few thousand distinct seconds.
 */
export function memoizedIsoTimestamp(): (epochMs: number) => string {
	const cache = new Map<number, string>();
	return (epochMs) => {
		let text = cache.get(epochMs);
		if (text === undefined) {
			text = isoTimestamp(epochMs);
			cache.set(epochMs, text);
		}
		return text;
	};
}
