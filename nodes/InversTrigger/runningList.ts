/** A node of a RunningList: the list owns these two fields. */
export interface ListNode<T> {
	previous?: T;
	next?: T;
}

/**
 * The executions running now, as a doubly linked list rather than a Set.
 *
 * Why not a Set: V8 replaces a Set's hash table as the set grows and shrinks, and a replaced
 * table keeps its entries and a link to the table that replaced it. Once V8 had moved one such
 * table to the old generation, every later table stayed reachable from it, with the runs in it
 * and all they referenced, until the next full collection. That is how the trigger's peak RSS
 * grew by 50-100 MB per 50,000 events in `npm run bench:trigger`. Here a removed node is unlinked
 * both ways, so a finished run keeps nothing alive and nothing keeps it.
 */
export class RunningList<T extends ListNode<T>> {
	private first?: T;
	private last?: T;
	size = 0;

	add(node: T): void {
		node.previous = this.last;
		node.next = undefined;
		if (this.last) this.last.next = node;
		else this.first = node;
		this.last = node;
		this.size++;
	}

	/** Removes the node; false when it was not in the list (never added, or removed already). */
	delete(node: T): boolean {
		if (node !== this.first && node.previous === undefined) return false;
		if (node.previous) node.previous.next = node.next;
		else this.first = node.next;
		if (node.next) node.next.previous = node.previous;
		else this.last = node.previous;
		node.previous = undefined;
		node.next = undefined;
		this.size--;
		return true;
	}

	/** Visits every node in the order added; `visit` may remove the node it is given. */
	forEach(visit: (node: T) => void): void {
		let node = this.first;
		while (node) {
			const next = node.next;
			visit(node);
			node = next;
		}
	}
}
