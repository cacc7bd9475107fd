/**
 * CPU time and resident memory of n8n's processes (the main process, its task runner and, in queue
 * mode, the worker and its runner), read from /proc: what n8n costs, apart from the broker and the
 * publisher, which run in other processes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { descendants, statFields } from '../../scripts/processTree';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

interface ProcStat {
	/** utime + stime, in ticks (a process that ends keeps its last sampled ticks). */
	ticks: number;
}

function readStat(pid: number): ProcStat | undefined {
	const fields = statFields(pid);
	if (!fields) return undefined;
	const ticks = [11, 12].reduce((sum, index) => sum + Number(fields[index]), 0);
	return { ticks };
}

function rssBytes(pid: number): number {
	try {
		const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
		return Number(kb ?? 0) * 1024;
	} catch {
		return 0;
	}
}

/** The roots and every process below them. */
export function processTree(roots: number[]): number[] {
	return roots.flatMap((root) => [root, ...descendants(root)]);
}

/**
 * Samples the trees of some root processes: CPU seconds spent since `reset()` and the peak of their
 * summed RSS. A process that started later (a task runner) is found at the next sample.
 */
export class TreeMonitor {
	private timer?: NodeJS.Timeout;
	private baseTicks = new Map<number, number>();
	private lastTicks = new Map<number, number>();
	peakRss = 0;

	constructor(
		private readonly roots: number[],
		private readonly intervalMs = 250,
	) {}

	start(): this {
		this.reset();
		this.timer = setInterval(() => this.sample(), this.intervalMs);
		this.timer.unref();
		return this;
	}

	stop(): void {
		this.sample();
		clearInterval(this.timer);
	}

	/** From now on: CPU counted from zero, peak RSS from the current RSS. */
	reset(): void {
		this.baseTicks.clear();
		this.lastTicks.clear();
		this.peakRss = 0;
		this.sample();
		for (const [pid, ticks] of this.lastTicks) this.baseTicks.set(pid, ticks);
	}

	/** CPU seconds of the trees since the last reset. */
	cpuSeconds(): number {
		this.sample();
		let ticks = 0;
		for (const [pid, last] of this.lastTicks) ticks += last - (this.baseTicks.get(pid) ?? 0);
		return ticks / TICKS_PER_SECOND;
	}

	rss(): number {
		return processTree(this.roots).reduce((sum, pid) => sum + rssBytes(pid), 0);
	}

	private sample(): void {
		let rss = 0;
		for (const pid of processTree(this.roots)) {
			const stat = readStat(pid);
			if (!stat) continue;
			this.lastTicks.set(pid, stat.ticks);
			// A process first seen now started after the reset: all of its CPU is in the window.
			if (!this.baseTicks.has(pid)) this.baseTicks.set(pid, 0);
			rss += rssBytes(pid);
		}
		this.peakRss = Math.max(this.peakRss, rss);
	}
}
