import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	ALLOW_UNENCRYPTED_LABEL,
	ALLOW_UNENCRYPTED_PROPERTY,
} from '../nodes/shared/connectionSecurity';
import { DEFAULT_AMQP_HOST, DEFAULT_AMQP_PORT, DEFAULT_BASE_URL } from '../nodes/shared/contract';
import { getAccessToken } from '../nodes/shared/transport/accessToken';

export class InversOneApi implements ICredentialType {
	name = 'inversOneApi';

	// n8n names credentials '<service> API'; the service is the INVERS OneAPI.
	displayName = 'INVERS OneAPI API';

	icon: Icon = { light: 'file:../icons/invers.svg', dark: 'file:../icons/invers.dark.svg' };

	documentationUrl = 'https://developers.invers.com';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: DEFAULT_BASE_URL,
			placeholder: DEFAULT_BASE_URL,
			description:
				'Where the OneAPI answers. Change it only for a regional host or the local OneAPI simulator. Must be https:// (plain http:// only to this machine, or with the toggle below).',
		},
		{
			displayName: ALLOW_UNENCRYPTED_LABEL,
			name: ALLOW_UNENCRYPTED_PROPERTY,
			type: 'boolean',
			default: false,
			description:
				'Whether to allow a plain http:// Base URL, and AMQP with TLS off, to hosts other than this machine. The client secret, the access token and the event consumer password then travel unencrypted: only for test setups.',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'ID of the API client created in FleetControl (it may contain "#")',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Secret shown once when the API client was created in FleetControl',
		},
		{
			// n8n keeps the token here and calls preAuthentication when it is empty or a request got 401.
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName:
				'Events (for the INVERS Trigger only): the login of an event consumer created in FleetControl',
			name: 'eventsNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'AMQP Host',
			name: 'amqpHost',
			type: 'string',
			default: DEFAULT_AMQP_HOST,
			description: 'Host of the INVERS event broker',
		},
		{
			displayName: 'AMQP Port',
			name: 'amqpPort',
			type: 'number',
			default: DEFAULT_AMQP_PORT,
			description: 'Port of the INVERS event broker: 5671 with TLS, 5672 for a local broker',
		},
		{
			displayName: 'Use TLS',
			name: 'amqpTls',
			type: 'boolean',
			default: true,
			description: 'Whether to connect with TLS. Turn off only for a local broker.',
		},
		{
			displayName: 'Virtual Host',
			name: 'amqpVhost',
			type: 'string',
			default: '',
			description: 'The virtual host INVERS created for your fleet, as shown in FleetControl',
		},
		{
			displayName: 'Event Consumer Username',
			name: 'amqpUsername',
			type: 'string',
			default: '',
		},
		{
			displayName: 'Event Consumer Password',
			name: 'amqpPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return { accessToken: await getAccessToken(this.helpers, credentials) };
	}

	/**
	 * A function, not n8n's generic `{ type: 'generic' }` form: n8n evaluates the generic form's
	 * header as an expression on every request (a workflow data proxy each time, about 1 ms), the
	 * largest cost of paging through a big fleet. The header is the same.
	 */
	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => ({
		...requestOptions,
		headers: {
			...requestOptions.headers,
			Authorization: `Bearer ${(credentials.accessToken as string | undefined) ?? ''}`,
		},
	});

	// No declarative `test`: n8n would prefer it over a node's `testedBy` and so never check the
	// AMQP part. The nodes' `inversOneApiConnectionTest` (nodes/credentialTest.ts) checks both.
}
