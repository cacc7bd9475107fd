/**
 * The parallel limit for "Acknowledge: Immediately". The broker's prefetch bounds unacknowledged
 * deliveries only, and these are acknowledged as their execution starts, so without this a backlog
 * would start thousands of executions at once. A delivery that finds every slot taken waits here,
 * unacknowledged (so the prefetch also bounds how many wait), until an execution ends.
 */
export class ExecutionSlots {
	private taken = 0;
	private waiting: Array<(acquired: boolean) => void> = [];

	constructor(readonly capacity: number) {}

	get running(): number {
		return this.taken;
	}

	/**
	 * Takes a slot. Undefined when one was free (the common case costs no promise); otherwise a
	 * promise that resolves true once a slot is taken, or false when the wait was cancelled.
	 */
	acquire(): Promise<boolean> | undefined {
		if (this.taken < this.capacity) {
			this.taken++;
			return undefined;
		}
		return new Promise<boolean>((resolve) => this.waiting.push(resolve));
	}

	/** An execution ended: its slot goes to the longest-waiting delivery, if any. */
	readonly release = (): void => {
		const next = this.waiting.shift();
		if (next) next(true);
		else this.taken--;
	};

	/** Closing: every waiting delivery gives up its turn (it goes back to the queue). */
	cancelWaiting(): void {
		const waiting = this.waiting;
		this.waiting = [];
		for (const resolve of waiting) resolve(false);
	}
}
