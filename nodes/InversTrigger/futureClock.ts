/**
 * How far ahead of this machine's clock a reported timestamp may be and still order values.
 * Vehicle states carry the time each value was true, set by the telematics unit; a unit with a
 * wrong clock (a year ahead) would otherwise make its value "newest" for that long, and every
 * real later value would lose against it: the property would freeze for the vehicle.
 */
export const MAX_CLOCK_AHEAD_MS = 10 * 60_000;

/**
 * Refuses timestamps too far in the future, counts them, and reports the first once (which
 * vehicle, how far ahead), so a unit with a wrong clock is visible in the n8n log.
 */
export class FutureClock {
	refused = 0;
	private reported = false;

	constructor(
		private readonly onFirstRefusal: (message: string) => void,
		private readonly now: () => number = Date.now,
		private readonly maxAheadMs = MAX_CLOCK_AHEAD_MS,
	) {}

	/** Whether a value stamped `at` (ms) may take part in ordering; counts a refusal. */
	accepts(at: number, vehicleId?: string): boolean {
		const now = this.now();
		if (at <= now + this.maxAheadMs) return true;
		this.refused++;
		if (!this.reported) {
			this.reported = true;
			this.onFirstRefusal(
				`INVERS Trigger: a value${vehicleId ? ` of vehicle ${vehicleId}` : ''} is stamped ${new Date(at).toISOString()}, ${Math.round((at - now) / 60_000)} min ahead of this machine's clock (at most ${this.maxAheadMs / 60_000} min are accepted); such values are ignored and counted (futureTimestamps in the trigger's log). Check the clock of the vehicle's telematics unit, or of this machine`,
			);
		}
		return false;
	}
}
