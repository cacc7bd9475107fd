/** Optimistic concurrency: a strong ETag per vehicle version, checked against If-Match. */
import { problemTypes } from './inversRules';
import { HttpProblem } from './problems';
import type { VehicleRecord } from './types';

export function etagOf(record: VehicleRecord): string {
	return `"${record.vehicle.id}-${record.version}"`;
}

/** 412 unless `ifMatch` (a list of tags, or `*`) names the vehicle's current ETag. */
export function checkIfMatch(ifMatch: string | undefined, record: VehicleRecord): void {
	if (ifMatch === undefined) return;
	const current = etagOf(record);
	const candidates = ifMatch.split(',').map((tag) => tag.trim());
	if (candidates.includes('*') || candidates.includes(current)) return;
	throw new HttpProblem(
		412,
		problemTypes.resourceModified,
		`Vehicle '${record.vehicle.id}' was modified since ${ifMatch} (now ${current}): reload it and retry.`,
	);
}
