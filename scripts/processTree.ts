/**
 * Processes as Linux lists them in /proc: who is whose parent, what runs, what is still alive. The
 * sandbox's stop tests and benchmarks use it to find everything `npm start` (or n8n) started.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
export function statFields(pid: number): string[] | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	} catch {
		// Ended while listing.
		return undefined;
	}
}

/** Every process and its parent, now. */
export function processParents(): Map<number, number> {
	const parents = new Map<number, number>();
	for (const entry of readdirSync('/proc')) {
		const pid = Number(entry);
		if (!Number.isInteger(pid)) continue;
		const fields = statFields(pid);
		if (fields) parents.set(pid, Number(fields[1]));
	}
	return parents;
}

/** Every process whose parent chain reaches `pid`. */
export function descendants(pid: number): number[] {
	const children = new Map<number, number[]>();
	for (const [child, parent] of processParents()) {
		const list = children.get(parent) ?? [];
		list.push(child);
		children.set(parent, list);
	}
	const found: number[] = [];
	const walk = (parent: number) => {
		for (const child of children.get(parent) ?? []) {
			found.push(child);
			walk(child);
		}
	};
	walk(pid);
	return found;
}

export function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** The command line, shortened, for messages. */
export function commandOf(pid: number): string {
	try {
		return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').slice(0, 120);
	} catch {
		return '(gone)';
	}
}
