/**
 * Opaque page tokens. Inside is the insertion number of the last vehicle of the previous page, so
 * paging stays correct while vehicles are added or removed between pages.
 */
import { listQuery } from './apiNames';
import { validationError } from './problems';

const PREFIX = 'after:';
const DECODED_PATTERN = new RegExp(`^${PREFIX}(\\d{1,15})$`);

export function encodePageToken(afterSeq: number): string {
	return Buffer.from(PREFIX + afterSeq).toString('base64url');
}

/** The insertion number inside `token`; a 400 naming the parameter if it is not one of ours. */
export function decodePageToken(token: string): number {
	const decoded = /^[A-Za-z0-9_-]+$/.test(token)
		? Buffer.from(token, 'base64url').toString('utf8')
		: '';
	const match = DECODED_PATTERN.exec(decoded);
	if (!match) throw validationError(listQuery.pageToken, 'not a page token issued by this API');
	return Number(match[1]);
}
