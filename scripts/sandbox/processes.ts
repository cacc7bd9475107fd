/**
 * Every process `npm start` starts (builds, installs, the n8n CLI, the simulator, n8n), so that one
 * stop ends them all, whoever asked: Ctrl+C in the terminal (SIGINT to the whole process group),
 * an IDE's stop button or a process manager (a signal to the top `npm start` process only, which
 * npm passes on for SIGINT and SIGTERM), a closed terminal (SIGHUP), or npm ending without passing
 * anything on (its child then notices that its parent changed).
 *
 * Each child runs in a process group of its own (`detached`) and is stopped as a group: n8n's task
 * runner, npm's script shells and their compilers end with it instead of being left behind.
 */
import type { ChildProcess } from 'node:child_process';

/** How long a group has after SIGTERM before SIGKILL (n8n closes its database and triggers). */
const GRACE_MS = 15_000;

const running = new Set<ChildProcess>();
let stopRequested = false;

/** Stops `child` with the others; a child started while everything stops is stopped at once. */
export function track<T extends ChildProcess>(child: T): T {
	if (stopRequested) {
		void stopGroup(child);
		return child;
	}
	running.add(child);
	child.once('exit', () => running.delete(child));
	return child;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		// The group of a detached child has the child's pid as its id.
		process.kill(-child.pid, signal);
	} catch {
		// The group is gone already.
	}
}

/**
 * SIGTERM to the child's process group, SIGKILL to what is left after the grace period. The
 * group is signalled even after the child itself exited: what it started may still run.
 */
export async function stopGroup(child: ChildProcess, graceMs = GRACE_MS): Promise<void> {
	const exited =
		child.exitCode !== null || child.signalCode !== null
			? Promise.resolve()
			: new Promise<void>((resolve) => child.once('exit', () => resolve()));
	signalGroup(child, 'SIGTERM');
	const killTimer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(killTimer);
	signalGroup(child, 'SIGKILL');
}

/** Stops every tracked child (and any started from now on); resolves once they exited. */
export async function stopAll(): Promise<void> {
	stopRequested = true;
	await Promise.all([...running].map((child) => stopGroup(child)));
}

export function stopping(): boolean {
	return stopRequested;
}

/**
 * Calls `onStop` once, on SIGINT, SIGTERM or SIGHUP, or when this process's parent (npm) ended:
 * npm passes SIGINT and SIGTERM on to its script, but dies of SIGHUP (or SIGKILL) alone, and the
 * orphan is adopted by another process.
 */
export function onStopRequest(onStop: (reason: string) => void): void {
	let called = false;
	const once = (reason: string) => {
		if (called) return;
		called = true;
		onStop(reason);
	};
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(signal, () => once(`${signal} received`));
	}
	const parent = process.ppid;
	const watch = setInterval(() => {
		if (process.ppid !== parent) once(`the parent process (${parent}) ended`);
	}, 500);
	watch.unref();
}
