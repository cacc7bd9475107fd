import { DEFAULT_BASE_URL } from '../contract';

/** The credential's base URL without trailing slashes; the documented host when left empty. */
export function normalizeBaseUrl(value: unknown): string {
	const text = typeof value === 'string' ? value.trim() : '';
	return (text || DEFAULT_BASE_URL).replace(/\/+$/, '');
}
