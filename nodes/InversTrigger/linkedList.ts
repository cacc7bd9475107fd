/** A node of a LinkedList: the list owns these two fields. */
export interface ListNode<T> {
	previous?: T;
	next?: T;
}

/**
 * A doubly linked list whose nodes carry the links: O(1) add, remove and move to the end, with no
 * allocation. Used for the executions running now and for the watched vehicles in least recently
 * seen order.
 *
 * Why not a Set for the running executions: V8 replaces a Set's hash table as the set grows and
 * shrinks, and a replaced table keeps its entries and a link to the table that replaced it. Once
 * V8 moves one such table to the old generation, every later table stays reachable from it, with
 * the runs in it and all they reference, until the next full collection, and the peak RSS grows
 * with the events drained (`npm run bench:trigger` prints it). Here a removed node is unlinked
 * both ways, so it keeps nothing alive and nothing keeps it.
 */
export class LinkedList<T extends ListNode<T>> {
	private head?: T;
	private tail?: T;
	size = 0;

	/** The node added (or moved to the end) longest ago. */
	get first(): T | undefined {
		return this.head;
	}

	get last(): T | undefined {
		return this.tail;
	}

	/** Appends a node that is in no list. */
	add(node: T): void {
		node.previous = this.tail;
		node.next = undefined;
		if (this.tail) this.tail.next = node;
		else this.head = node;
		this.tail = node;
		this.size++;
	}

	/** Removes the node; false when it was not in the list (never added, or removed already). */
	delete(node: T): boolean {
		if (node !== this.head && node.previous === undefined) return false;
		if (node.previous) node.previous.next = node.next;
		else this.head = node.next;
		if (node.next) node.next.previous = node.previous;
		else this.tail = node.previous;
		node.previous = undefined;
		node.next = undefined;
		this.size--;
		return true;
	}

	/** Visits every node from first to last; `visit` may remove the node it is given. */
	forEach(visit: (node: T) => void): void {
		let node = this.head;
		while (node) {
			const next = node.next;
			visit(node);
			node = next;
		}
	}
}
