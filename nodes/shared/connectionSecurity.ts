/**
 * Where the credential's secrets may travel unencrypted. The client secret (token request), the
 * access token (every API call) and the event consumer's password (AMQP login) are readable by
 * anyone on the path of a plain-text connection: plain HTTP and AMQP without TLS are allowed to
 * this machine only, or anywhere when the credential's toggle says this is a test setup.
 */

/** The credential's toggle (name of the property). */
export const ALLOW_UNENCRYPTED_PROPERTY = 'allowUnencrypted';
/** Its label, as error messages name it. */
export const ALLOW_UNENCRYPTED_LABEL = 'Allow Unencrypted Connections (test setups only)';

/** Whether the credential's toggle is on. */
export function allowsUnencrypted(credentials: Record<string, unknown>): boolean {
	return credentials[ALLOW_UNENCRYPTED_PROPERTY] === true;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** The host without URL brackets, lower case. */
function bareHost(host: string): string {
	return host
		.trim()
		.toLowerCase()
		.replace(/^\[(.*)\]$/, '$1');
}

/** An IPv6 address in its canonical form ("::1"), or undefined if it is none. */
function canonicalIpv6(name: string): string | undefined {
	if (!name.includes(':')) return undefined;
	try {
		return new URL(`http://[${name}]/`).hostname.replace(/^\[(.*)\]$/, '$1');
	} catch {
		return undefined;
	}
}

/** Whether the host is given as an IP address (v4 or v6) rather than a name. */
export function isIpAddress(host: string): boolean {
	const name = bareHost(host);
	return IPV4.test(name) || canonicalIpv6(name) !== undefined;
}

/**
 * Whether the host is this machine by its address or by the name reserved for it: 127.0.0.0/8,
 * ::1 (with or without URL brackets) and `localhost`. Other names are not resolved: what a name
 * resolves to can change, the rule must not.
 */
export function isLoopbackHost(host: string): boolean {
	const name = bareHost(host);
	if (name === 'localhost') return true;
	if (IPV4.test(name)) return name.startsWith('127.');
	return canonicalIpv6(name) === '::1';
}

/** A setting of the credential that cannot be used as it is; the message names the field. */
export class CredentialSettingError extends Error {
	readonly name = 'CredentialSettingError';

	constructor(
		readonly field: string,
		message: string,
	) {
		super(message);
	}
}
