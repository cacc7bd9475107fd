import { DEFAULT_BASE_URL } from '../contract';
import {
	ALLOW_UNENCRYPTED_LABEL,
	allowsUnencrypted,
	CredentialSettingError,
	isLoopbackHost,
} from '../connectionSecurity';

const FIELD = 'Base URL';

function invalid(message: string): CredentialSettingError {
	return new CredentialSettingError(FIELD, `The credential's Base URL ${message}`);
}

/**
 * The credential's Base URL, checked and without trailing slashes; the documented host when left
 * empty. Request URLs are built by appending a path to it, so it must be a plain origin (and
 * optional path): a user name or password in it would be sent along, a query or fragment would
 * swallow the path. The client secret and the token travel to it, so it must be `https`, except
 * for this machine or when the credential allows unencrypted connections (test setups).
 * Messages never repeat a rejected URL whole: the part rejected may hold a secret.
 */
export function baseUrlOf(credentials: Record<string, unknown>): string {
	const text = typeof credentials.baseUrl === 'string' ? credentials.baseUrl.trim() : '';
	if (text === '') return DEFAULT_BASE_URL;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw invalid(`is not a URL: enter it like ${DEFAULT_BASE_URL}`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw invalid(
			`must start with https:// (it starts with ${url.protocol}//): enter it like ${DEFAULT_BASE_URL}`,
		);
	}
	if (url.username !== '' || url.password !== '') {
		throw invalid(
			`must not contain a user name or password: the API client's ID and secret go into their own fields`,
		);
	}
	if (url.search !== '' || url.hash !== '' || /[?#]/.test(text)) {
		throw invalid(
			`must not contain a query (?…) or fragment (#…): enter only the address of the API, like ${DEFAULT_BASE_URL}`,
		);
	}
	const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
	if (
		url.protocol === 'http:' &&
		!isLoopbackHost(url.hostname) &&
		!allowsUnencrypted(credentials)
	) {
		throw invalid(
			`${base} uses plain http: the client secret and the access token would travel unencrypted. Use https://, or for a test setup turn on "${ALLOW_UNENCRYPTED_LABEL}" (plain http to this machine, such as the local simulator, needs no toggle)`,
		);
	}
	return base;
}
