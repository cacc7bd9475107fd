import type { IDataObject } from 'n8n-workflow';

/**
 * A vehicle state as INVERS sends it is a flat object whose properties are `{ timestamp, value }`.
 * Simplified: property → value, plus the newest of the timestamps as `last_recorded_at`.
 * Properties without that shape are kept as they are (read tolerantly).
 */
export function simplifyVehicleState(state: unknown): IDataObject {
	const simplified: IDataObject = {};
	let newest: string | undefined;
	let newestTime = -Infinity;
	if (!state || typeof state !== 'object') return simplified;
	for (const [property, entry] of Object.entries(state as IDataObject)) {
		if (entry && typeof entry === 'object' && !Array.isArray(entry) && 'value' in entry) {
			const { value, timestamp } = entry as { value: unknown; timestamp?: unknown };
			simplified[property] = value as IDataObject[string];
			const time = typeof timestamp === 'string' ? Date.parse(timestamp) : NaN;
			if (!Number.isNaN(time) && time > newestTime) {
				newestTime = time;
				newest = timestamp as string;
			}
		} else {
			simplified[property] = entry;
		}
	}
	simplified.last_recorded_at = newest ?? null;
	return simplified;
}
