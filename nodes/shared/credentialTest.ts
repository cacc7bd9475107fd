import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IHttpRequestOptions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { isItemList, listQuery, paths, permissions, rateLimitHeaders } from './contract';
import { getAccessToken } from './transport/accessToken';
import { baseUrlOf } from './transport/baseUrl';
import { isRedirectStatus, redirectTarget } from './transport/redirect';
import { scrubText, secretsOf } from './transport/secretScrub';

/** What works of one part of the credential, with a note worth knowing. */
export type PartWorks = { works: string; note?: string };
/** The outcome of one part of the credential: what works, or why it does not. */
export type PartResult = PartWorks | { error: string };

/**
 * One independently usable part of the credential (the REST API client, the event consumer):
 * whether the user filled it in, and the check that proves it works. A part's check never puts a
 * secret into its message.
 */
export interface CredentialPart {
	/** Names the part in a failure, e.g. "REST API". */
	label: string;
	/** What the user fills in for it, e.g. "the Client ID and Secret". */
	fields: string;
	isFilled(data: ICredentialDataDecryptedObject): boolean;
	check(
		context: ICredentialTestFunctions,
		data: ICredentialDataDecryptedObject,
		/** Receives every access token the check fetched, so that messages can be cleared of it. */
		tokens: string[],
	): Promise<PartResult>;
}

/**
 * Checks each filled part of the credential in the order given and stops at the first that
 * fails: the message names that part and why. n8n's declarative HTTP test cannot reach a part
 * such as AMQP, so the nodes test the credential with a function of their own.
 */
export async function testCredentialParts(
	context: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
	parts: CredentialPart[],
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const results: PartWorks[] = [];
	// A message may carry what a server answered: never with a secret of this credential in it.
	const tokens: string[] = [];
	for (const part of parts) {
		if (!part.isFilled(data)) continue;
		const result = await part.check(context, data, tokens);
		if ('error' in result) {
			const message = `${part.label}: ${result.error}`;
			return { status: 'Error', message: scrubText(message, secretsOf(data, ...tokens)) };
		}
		results.push(result);
	}
	if (!results.length) {
		return {
			status: 'Error',
			message: `Fill in ${parts.map((part) => part.fields).join(', ')}, or both`,
		};
	}
	return { status: 'OK', message: successMessage(results) };
}

/** "Connection successful: API client works", "… login and API client work (note)". */
function successMessage(results: PartWorks[]): string {
	const subjects = results.map((result) => result.works);
	const verb = subjects.length === 1 ? 'works' : 'work';
	const notes = results.flatMap((result) => (result.note ? [result.note] : []));
	return `Connection successful: ${subjects.join(' and ')} ${verb}${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

/** The REST API client: a token, then one vehicle read. */
export const apiClientPart: CredentialPart = {
	label: 'REST API',
	fields: 'the Client ID and Secret',
	isFilled: (data) => String(data.clientId ?? '') !== '',
	check: async (context, data, tokens) => await testApiClient(context, data, tokens),
};

async function testApiClient(
	context: ICredentialTestFunctions,
	data: ICredentialDataDecryptedObject,
	/** Receives the token fetched, so that messages can be cleared of it. */
	tokens: string[],
): Promise<PartResult> {
	let baseUrl: string;
	try {
		baseUrl = baseUrlOf(data);
	} catch (error) {
		// A CredentialSettingError: the message names the field and what is allowed.
		return { error: (error as Error).message };
	}
	let token: string;
	try {
		token = await getAccessToken(legacyHelpers(context), { ...data, accessToken: '' });
		tokens.push(token);
	} catch (error) {
		return { error: (error as Error).message };
	}

	// The token alone does not prove the Base URL is the OneAPI: read one vehicle. A client made
	// for commands only (INVERS recommends one client per application) may not read vehicles: its
	// 403 still proves the token works.
	const url = `${baseUrl}${paths.vehicles}?${listQuery.limit}=1`;
	let response: { statusCode: number; headers: Record<string, string>; body: unknown };
	try {
		response = await context.helpers.request({
			method: 'GET',
			uri: url,
			headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
			json: true,
			timeout: 30_000,
			// Never on to another address: the access token would go along.
			followRedirect: false,
			followAllRedirects: false,
			simple: false,
			resolveWithFullResponse: true,
		});
	} catch (error) {
		const code = (error as { code?: string }).code;
		return { error: `reading vehicles at ${baseUrl} failed${code ? ` (${code})` : ''}` };
	}
	const status = response.statusCode;
	if (status === 403) {
		return {
			works: 'API client',
			note: `the token works, but this client cannot read vehicles: fine for a client that only sends commands; to read vehicles, grant it "${permissions.read}" (or "${permissions.write}") in FleetControl`,
		};
	}
	if (isRedirectStatus(status)) {
		const target = redirectTarget(response.headers?.location, url);
		return {
			error: `${baseUrl} redirected (HTTP ${status})${target ? ` to ${target}` : ''}: requests and the access token are not sent on to another address. Set the Base URL to the address of the API itself`,
		};
	}
	if (status === 404) {
		return { error: `${baseUrl} answers, but not as the INVERS OneAPI: check the Base URL` };
	}
	if (status < 200 || status >= 300) {
		return { error: `reading vehicles failed with HTTP ${status}` };
	}
	if (!isItemList(response.body)) {
		const type = response.headers?.['content-type'] ?? 'no content type';
		return {
			error: `${baseUrl} answered the vehicle list with HTTP ${status} (${type}) that is not the OneAPI's JSON: check the Base URL (a web page or a proxy answers there)`,
		};
	}
	return { works: 'API client' };
}

/**
 * A credential test only gets n8n's legacy `request` helper; the token code expects
 * `httpRequest`. This adapts the one call it makes (POST, Basic auth, JSON, no redirects).
 */
function legacyHelpers(context: ICredentialTestFunctions) {
	const httpRequest = async (options: IHttpRequestOptions) => {
		try {
			return await context.helpers.request({
				method: options.method ?? 'GET',
				uri: options.url,
				auth: options.auth
					? { user: options.auth.username, pass: options.auth.password }
					: undefined,
				headers: options.headers,
				json: true,
				timeout: options.timeout,
				// The client secret goes to the Base URL and nowhere else.
				followRedirect: false,
				followAllRedirects: false,
			});
		} catch (error) {
			const failure = error as {
				statusCode?: number;
				httpCode?: string;
				code?: string;
				error?: unknown;
				response?: { headers?: Record<string, unknown>; body?: unknown };
			};
			const status = failure.statusCode ?? Number(failure.httpCode);
			// Only what the token error text and the retries read: the original carries the
			// request, auth included.
			const headers: Record<string, string> = {};
			for (const name of ['location', ...Object.values(rateLimitHeaders)]) {
				const value = failure.response?.headers?.[name];
				if (typeof value === 'string') headers[name] = value;
			}
			throw Object.assign(new Error('request failed'), {
				code: failure.code,
				response: status
					? { status, headers, data: failure.response?.body ?? failure.error }
					: undefined,
			});
		}
	};
	return { httpRequest } as unknown as Parameters<typeof getAccessToken>[0] & {
		httpRequest: typeof httpRequest;
	};
}
