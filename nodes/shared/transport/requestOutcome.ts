/**
 * What a request that failed may still have done at INVERS. The transport records it on the
 * error it throws; batch reports and operations read it (for example a Remove whose retry got 404
 * after a first attempt that may have removed the vehicle). Kept beside the error, not on it, so
 * nothing of it reaches the error's JSON by accident.
 */
export interface RequestOutcome {
	/** The last attempt may have been carried out: it got no answer, a 5xx or a redirect. */
	mayHaveRun: boolean;
	/** An earlier attempt, answered by a 5xx or not at all, may have been carried out. */
	earlierAttemptMayHaveRun: boolean;
}

const outcomes = new WeakMap<object, RequestOutcome>();

export function recordRequestOutcome<E extends object>(error: E, outcome: RequestOutcome): E {
	outcomes.set(error, outcome);
	return error;
}

/** The outcome of the failed request behind `error`; undefined for errors not from a request. */
export function requestOutcome(error: unknown): RequestOutcome | undefined {
	return error !== null && typeof error === 'object' ? outcomes.get(error) : undefined;
}

/** Whether a failed request may have had its effect (reads have none). */
export function mayHaveHadEffect(error: unknown): boolean {
	const outcome = requestOutcome(error);
	return outcome !== undefined && (outcome.mayHaveRun || outcome.earlierAttemptMayHaveRun);
}
