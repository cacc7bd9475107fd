import { createHash } from 'node:crypto';

/**
 * Walking a cursor-paged list ends only when the API stops handing out page tokens. An API (or
 * a proxy) that hands out a token again would have the walk repeat pages forever; one that
 * answers empty pages with ever new tokens would have it ask forever. Neither may end as a list
 * that only looks complete (a fleet sweep would act on part of the fleet): each is an error.
 */
export const pagingBounds = {
	/**
	 * Empty pages in a row, each with a new token, before the list counts as endless. An API
	 * that filters a larger table page by page may answer a few empty pages; not a hundred.
	 */
	maxEmptyPagesInARow: 100,
	/**
	 * Pages of one list: far beyond any fleet (a million vehicles at 100 a page). Every token of
	 * a list is remembered up to this bound, as a fixed-size digest, so memory stays bounded
	 * whatever the tokens' length and every repeat is seen.
	 */
	maxPages: 10_000,
};

export type PagingBounds = typeof pagingBounds;

/** Why walking a list stopped: the message says what the API did, the description what it means. */
export class ListPagingError extends Error {
	readonly name = 'ListPagingError';

	constructor(
		message: string,
		readonly description: string,
		/** The page whose answer was refused (1 = the first page). */
		readonly page: number,
	) {
		super(message);
	}
}

function digest(token: string): string {
	return createHash('sha256').update(token).digest('base64');
}

function count(n: number, one: string, many: string): string {
	return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Follows one walk through a list, page by page. */
export class PagingGuard {
	private pages = 0;

	private vehicles = 0;

	private emptyInARow = 0;

	/** The page each token handed out so far leads to, by the token's digest. */
	private readonly pageOfToken = new Map<string, number>();

	constructor(
		/** What is listed, for messages: "vehicle list". */
		private readonly listName: string,
		private readonly bounds: PagingBounds = pagingBounds,
	) {}

	/**
	 * Records a page just read (its item count and the token it handed out for the next page)
	 * and throws a ListPagingError when following that token cannot end well.
	 */
	pageRead(items: number, nextToken: string | undefined): void {
		this.pages++;
		this.vehicles += items;
		if (nextToken === undefined) return;
		const page = this.pages;
		const key = digest(nextToken);
		const earlier = this.pageOfToken.get(key);
		if (earlier !== undefined) {
			throw new ListPagingError(
				`INVERS handed out a page token again: page ${page} of the ${this.listName} points back to page ${earlier}`,
				`Following it would read pages ${earlier} to ${page} again and again, without end. ${this.readSoFar()}`,
				page,
			);
		}
		this.pageOfToken.set(key, page + 1);
		this.emptyInARow = items === 0 ? this.emptyInARow + 1 : 0;
		if (this.emptyInARow >= this.bounds.maxEmptyPagesInARow) {
			throw new ListPagingError(
				`INVERS answered ${this.emptyInARow} empty pages in a row, each with a new page token: the ${this.listName} does not end`,
				`Paging stopped at page ${page}. ${this.readSoFar()}`,
				page,
			);
		}
		if (page >= this.bounds.maxPages) {
			throw new ListPagingError(
				`INVERS handed out page tokens for ${count(page, 'page', 'pages')}: the ${this.listName} does not end`,
				`No fleet needs that many pages: the API seems to hand out new tokens without end. If the fleet really is that large, set a larger "Page Size" (under Options). ${this.readSoFar()}`,
				page,
			);
		}
	}

	private readSoFar(): string {
		return `${count(this.vehicles, 'vehicle was', 'vehicles were')} read on ${count(this.pages, 'page', 'pages')}; they are not passed on as if they were the whole list. This is a fault of the API or of a proxy in front of it: give INVERS support the flow ID.`;
	}
}
