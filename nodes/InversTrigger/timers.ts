/**
 * Waits `ms`, or less when `signal` aborts (close of the trigger). Resolves true when the time
 * passed. The timer is unref'd: a waiting trigger never keeps the process alive.
 */
export async function cancellableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
	if (signal.aborted) return false;
	return await new Promise<boolean>((resolve) => {
		const onAbort = () => {
			clearTimeout(timer);
			resolve(false);
		};
		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve(true);
		}, ms);
		timer.unref();
		signal.addEventListener('abort', onAbort, { once: true });
	});
}
