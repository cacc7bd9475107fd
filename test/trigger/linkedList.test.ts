/**
 * The list of running executions. What matters beyond add/delete/visit: a removed run keeps no
 * link to another run, and no run keeps a link to it (a stale link from a run V8 has moved to the
 * old generation kept every later run alive there until a full collection).
 */
import type { ListNode } from '../../nodes/InversTrigger/linkedList';
import { LinkedList } from '../../nodes/InversTrigger/linkedList';

interface Run extends ListNode<Run> {
	name: string;
}

const run = (name: string): Run => ({ name, previous: undefined, next: undefined });

function names(list: LinkedList<Run>): string[] {
	const visited: string[] = [];
	list.forEach((node) => visited.push(node.name));
	return visited;
}

it('keeps runs in the order added, and removes any of them', () => {
	const list = new LinkedList<Run>();
	const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(run);
	for (const node of [a, b, c, d]) list.add(node);
	expect(list.delete(b)).toBe(true);
	expect(list.delete(d)).toBe(true);
	expect(list.delete(a)).toBe(true);
	expect(names(list)).toEqual(['c']);
	expect(list.size).toBe(1);
	list.add(a);
	expect(names(list)).toEqual(['c', 'a']);
	expect(list.first).toBe(c);
	expect(list.last).toBe(a);
});

it('deletes a run once: a second delete, or one never added, is false', () => {
	const list = new LinkedList<Run>();
	const [a, b] = ['a', 'b'].map(run);
	list.add(a);
	expect(list.delete(b)).toBe(false);
	expect(list.delete(a)).toBe(true);
	expect(list.delete(a)).toBe(false);
	expect(list.size).toBe(0);
	expect(names(list)).toEqual([]);
});

it('a removed run is unlinked both ways', () => {
	const list = new LinkedList<Run>();
	const [a, b, c] = ['a', 'b', 'c'].map(run);
	for (const node of [a, b, c]) list.add(node);
	list.delete(b);
	expect(b.previous).toBeUndefined();
	expect(b.next).toBeUndefined();
	expect(a.next).toBe(c);
	expect(c.previous).toBe(a);
});

it('a visit may remove the run it is given (the timeout sweep, dispose)', () => {
	const list = new LinkedList<Run>();
	const nodes = ['a', 'b', 'c', 'd'].map(run);
	for (const node of nodes) list.add(node);
	const visited: string[] = [];
	list.forEach((node) => {
		visited.push(node.name);
		if (node.name !== 'c') list.delete(node);
	});
	expect(visited).toEqual(['a', 'b', 'c', 'd']);
	expect(names(list)).toEqual(['c']);
});
