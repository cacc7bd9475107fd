import type { ChannelModel, Options } from './amqplib';
import { connect } from './amqplib';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import {
	ALLOW_UNENCRYPTED_LABEL,
	allowsUnencrypted,
	isIpAddress,
	isLoopbackHost,
} from '../../shared/connectionSecurity';
import { DEFAULT_AMQP_HOST, DEFAULT_AMQP_PORT } from '../../shared/contract';

/** Seconds between heartbeats: a dead TCP connection is noticed within about two of them. */
export const HEARTBEAT_SECONDS = 30;
/** How long opening the TCP/TLS connection and the AMQP handshake may take. */
export const CONNECTION_TIMEOUT_MS = 20_000;

export interface AmqpTarget {
	protocol: 'amqp' | 'amqps';
	hostname: string;
	port: number;
	vhost: string;
	username: string;
	password: string;
}

/**
 * The broker coordinates from the credential: TLS unless turned off. Without TLS the event
 * consumer's password travels readable, so that is allowed to a broker on this machine only, or
 * when the credential allows unencrypted connections (test setups). Throws AmqpConnectError.
 */
export function amqpTargetFromCredential(credentials: ICredentialDataDecryptedObject): AmqpTarget {
	const tls = credentials.amqpTls !== false;
	const hostname = String(credentials.amqpHost ?? '').trim() || DEFAULT_AMQP_HOST;
	const port = Number(credentials.amqpPort) || (tls ? DEFAULT_AMQP_PORT : 5672);
	if (!tls && !isLoopbackHost(hostname) && !allowsUnencrypted(credentials)) {
		throw new AmqpConnectError(
			`"Use TLS" is off for the AMQP host ${hostname}: the event consumer's password would travel unencrypted. INVERS's broker uses TLS on port 5671; turn TLS off only for a broker on this machine, or for a test setup turn on "${ALLOW_UNENCRYPTED_LABEL}"`,
		);
	}
	return {
		protocol: tls ? 'amqps' : 'amqp',
		hostname,
		port,
		vhost: String(credentials.amqpVhost ?? '').trim(),
		username: String(credentials.amqpUsername ?? ''),
		password: String(credentials.amqpPassword ?? ''),
	};
}

/** Where the broker is, for messages: never the username or password. */
export function describeTarget(target: AmqpTarget): string {
	return `${target.protocol}://${target.hostname}:${target.port} (virtual host "${target.vhost || '/'}")`;
}

/**
 * Opens one AMQP connection. The options object (not a URL) keeps passwords with special
 * characters intact; the vhost is escaped because amqplib unescapes it.
 */
export async function openConnection(
	target: AmqpTarget,
	connectionName: string,
): Promise<ChannelModel> {
	const options: Options.Connect = {
		protocol: target.protocol,
		hostname: target.hostname,
		port: target.port,
		username: target.username,
		password: target.password,
		vhost: encodeURIComponent(target.vhost || '/'),
		heartbeat: HEARTBEAT_SECONDS,
	};
	try {
		return await connect(options, {
			timeout: CONNECTION_TIMEOUT_MS,
			// TLS server name indication names a host, never an address (RFC 6066): a broker given
			// by IP address is verified against the address in its certificate instead.
			servername:
				target.protocol === 'amqps' && !isIpAddress(target.hostname) ? target.hostname : undefined,
			// Shown in the RabbitMQ management UI, so an operator can tell whose connection it is.
			clientProperties: { connection_name: connectionName },
		});
	} catch (error) {
		throw describeConnectError(error, target);
	}
}

/** A connection failure as a sentence naming which part is wrong; secrets never included. */
export class AmqpConnectError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'AmqpConnectError';
	}
}

const NETWORK_FAILURES: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ETIMEDOUT: 'timed out',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	ECONNABORTED: 'connection aborted',
};

export function describeConnectError(error: unknown, target: AmqpTarget): AmqpConnectError {
	const failure = error as { message?: string; code?: string | number };
	const text = String(failure?.message ?? '');
	const where = describeTarget(target);
	if (/ACCESS[-_]REFUSED/.test(text)) {
		return new AmqpConnectError(
			`The broker refused the login of event consumer "${target.username}" at ${where}: check the Event Consumer Username and Password in the credential (FleetControl shows them for each event consumer)`,
		);
	}
	if (/NOT[-_]ALLOWED|ConnectionOpenOk; got <ConnectionClose/.test(text)) {
		return new AmqpConnectError(
			`The broker accepted the login but not the virtual host "${target.vhost || '/'}" at ${where}: the virtual host is unknown or this event consumer may not use it. Check the Virtual Host in the credential`,
		);
	}
	const code = typeof failure?.code === 'string' ? failure.code : undefined;
	if (code && /^ERR_SSL|^EPROTO/.test(code)) {
		return new AmqpConnectError(
			`TLS handshake with ${where} failed: is TLS on the right port? INVERS uses TLS on 5671; turn Use TLS off only for a local broker on 5672`,
		);
	}
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return new AmqpConnectError(`Cannot resolve the AMQP host of ${where}: check the AMQP Host`);
	}
	if (code) {
		// Plain words, not the code: n8n replaces messages containing such codes with a generic text.
		return new AmqpConnectError(
			`Cannot reach the event broker at ${where} (${NETWORK_FAILURES[code] ?? 'network error'}): check AMQP Host, Port and Use TLS`,
		);
	}
	if (/timeout|timed out/i.test(text)) {
		return new AmqpConnectError(`Connecting to the event broker at ${where} timed out`);
	}
	return new AmqpConnectError(
		`Connecting to the event broker at ${where} failed: ${text.slice(0, 300) || 'unknown error'}`,
	);
}

/** A queue check failure, naming the queue. */
export function describeQueueError(error: unknown, queue: string, target: AmqpTarget): Error {
	const failure = error as { message?: string; code?: number };
	const text = String(failure?.message ?? '');
	if (failure?.code === 404 || /NOT[-_]FOUND/.test(text)) {
		return new Error(
			`Queue "${queue}" does not exist in virtual host "${target.vhost || '/'}": copy the queue name from the event consumer's topics in FleetControl (the node never creates INVERS queues)`,
		);
	}
	if (failure?.code === 403 || /ACCESS[-_]REFUSED/.test(text)) {
		return new Error(
			`Event consumer "${target.username}" may not read queue "${queue}": check the topics of the event consumer in FleetControl`,
		);
	}
	if (failure?.code === 405 || /RESOURCE[-_]LOCKED/.test(text)) {
		return new Error(`Queue "${queue}" is exclusively used by another connection`);
	}
	return new Error(`Checking queue "${queue}" failed: ${text.slice(0, 300) || 'unknown error'}`);
}
