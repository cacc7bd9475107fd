const RELATIVE = 'https://relative.invalid';

/**
 * Where a redirect pointed, for messages: origin and path of its Location header (resolved
 * against the request's URL when given, else a relative one stays a path). The query is left
 * out: it may carry a secret.
 */
export function redirectTarget(
	location: string | undefined,
	requestUrl?: string,
): string | undefined {
	if (!location) return undefined;
	try {
		const url = new URL(location, requestUrl ?? RELATIVE);
		return url.origin === RELATIVE ? url.pathname : `${url.origin}${url.pathname}`;
	} catch {
		return undefined;
	}
}

export function isRedirectStatus(status: number | undefined): boolean {
	return status !== undefined && status >= 300 && status < 400;
}
