/**
 * Timers the simulator owns (setup completion, command latency). All are unref'd, so they never
 * keep a test process alive, and cleared on close()/reset(), so nothing fires into a dead server.
 */
export class TimerSet {
	private readonly timers = new Set<NodeJS.Timeout>();

	schedule(callback: () => void, delayMs: number): void {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			callback();
		}, delayMs);
		timer.unref();
		this.timers.add(timer);
	}

	/** Resolves after `delayMs`; never resolves if the set is cleared first (the socket is gone). */
	sleep(delayMs: number): Promise<void> {
		if (delayMs <= 0) return Promise.resolve();
		return new Promise((resolve) => this.schedule(resolve, delayMs));
	}

	clear(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}
}
