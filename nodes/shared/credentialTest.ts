import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	IHttpRequestOptions,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { listQuery, paths, permissions } from './contract';
import { getAccessToken } from './transport/accessToken';
import { normalizeBaseUrl } from './transport/baseUrl';
import { amqpTargetFromCredential, openConnection } from '../InversTrigger/amqp/connect';

/**
 * The credential has two independent parts: the REST API client and the event consumer (AMQP),
 * which n8n's declarative HTTP test cannot reach. Each filled part is checked; the message says
 * which part failed and why, never with a secret.
 */
export async function inversOneApiConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const checked: string[] = [];

	if (String(data.amqpUsername ?? '') !== '') {
		const target = amqpTargetFromCredential(data);
		try {
			const connection = await openConnection(target, 'n8n INVERS credential test');
			await connection.close().catch(() => undefined);
			checked.push('event consumer login');
		} catch (error) {
			return { status: 'Error', message: `Events (AMQP): ${(error as Error).message}` };
		}
	}

	if (String(data.clientId ?? '') !== '') {
		const helpers = legacyHelpers(this);
		let token: string;
		try {
			token = await getAccessToken(helpers, { ...data, accessToken: '' });
		} catch (error) {
			return { status: 'Error', message: `REST API: ${(error as Error).message}` };
		}
		// The token alone does not prove the API client may read vehicles: ask for one.
		const baseUrl = normalizeBaseUrl(data.baseUrl);
		try {
			await helpers.httpRequest({
				method: 'GET',
				url: `${baseUrl}${paths.vehicles}?${listQuery.limit}=1`,
				headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
				timeout: 30_000,
			});
			checked.push('API client');
		} catch (error) {
			const status = (error as { response?: { status?: number } }).response?.status;
			const why =
				status === 403
					? `the token works, but the API client may not read vehicles: grant it the "${permissions.read}" (or "${permissions.write}") permission in FleetControl`
					: status === 404
						? `${baseUrl} answers, but not as the INVERS OneAPI: check the Base URL`
						: `reading vehicles failed${status ? ` with HTTP ${status}` : ''}`;
			return { status: 'Error', message: `REST API: ${why}` };
		}
	}

	if (!checked.length) {
		return {
			status: 'Error',
			message: 'Fill in the Client ID and Secret, the event consumer login, or both',
		};
	}
	return { status: 'OK', message: `Connection successful: ${checked.join(' and ')} work` };
}

/**
 * A credential test only gets n8n's legacy `request` helper; the token code expects
 * `httpRequest`. This adapts the one call it makes (POST, Basic auth, JSON).
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
			});
		} catch (error) {
			const failure = error as { statusCode?: number; httpCode?: string; code?: string };
			const status = failure.statusCode ?? Number(failure.httpCode);
			// Only the fields the token error text reads: the original carries the request, auth included.
			throw Object.assign(new Error('request failed'), {
				code: failure.code,
				response: status ? { status } : undefined,
			});
		}
	};
	return { httpRequest } as unknown as Parameters<typeof getAccessToken>[0] & {
		httpRequest: typeof httpRequest;
	};
}
