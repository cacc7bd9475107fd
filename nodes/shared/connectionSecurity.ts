import { isIP } from 'node:net';

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

/**
 * Whether the host is this machine by its address or by the name reserved for it: 127.0.0.0/8,
 * ::1 (with or without URL brackets) and `localhost`. Other names are not resolved: what a name
 * resolves to can change, the rule must not.
 */
export function isLoopbackHost(host: string): boolean {
	const name = host
		.trim()
		.toLowerCase()
		.replace(/^\[(.*)\]$/, '$1');
	if (name === 'localhost') return true;
	if (isIP(name) === 4) return name.startsWith('127.');
	if (isIP(name) === 6) return name === '::1' || name === '0:0:0:0:0:0:0:1';
	return false;
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
