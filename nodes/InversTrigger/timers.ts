import { sleep } from 'n8n-workflow';

/**
 * Waits `ms`, or less when `signal` aborts (close of the trigger). Resolves true when the time
 * passed, false when it was cut short. Built on n8n-workflow's `sleep` (n8n's scanner rejects raw
 * timers in node code); every caller aborts its signal on close, so no wait outlives the trigger.
 */
export async function cancellableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
	if (signal.aborted) return false;
	try {
		await sleep(ms, signal);
		return true;
	} catch {
		// `sleep` rejects only when the signal aborted: the wait was cut short.
		return false;
	}
}
