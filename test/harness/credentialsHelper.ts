import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	Workflow,
} from 'n8n-workflow';
import { ICredentialsHelper } from 'n8n-workflow';

import { InversOneApi } from '../../credentials/InversOneApi.credentials';

/**
 * The part of n8n's CredentialsHelper (packages/cli, not published as a library) that a node's
 * HTTP calls go through, rebuilt for tests: credentials are held in memory instead of the
 * database, and the rest follows n8n: preAuthentication runs when the expirable field is empty or
 * a request got 401 and its result is stored with the credential; generic `authenticate`
 * properties are resolved as expressions against the credential data.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	readonly types = new Map<string, ICredentialType>([['inversOneApi', new InversOneApi()]]);

	/** Number of times n8n would have called the credential's preAuthentication. */
	preAuthenticationCalls = 0;

	/** Number of times the credential was loaded (in n8n: read from the database and decrypted). */
	decryptions = 0;

	constructor(private readonly store: Map<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.types.get(typeName);
		const options = requestOptions as IHttpRequestOptions;
		const authenticate = type?.authenticate;
		if (!authenticate) return options;
		if (typeof authenticate === 'function') return await authenticate(credentials, options);
		const headers = (authenticate.properties.headers ?? {}) as Record<string, string>;
		options.headers = { ...(options.headers ?? {}) };
		for (const [name, template] of Object.entries(headers)) {
			options.headers[name] = this.resolve(template, credentials, workflow, node);
		}
		return options;
	}

	private resolve(
		template: string,
		credentials: ICredentialDataDecryptedObject,
		workflow?: Workflow,
		node?: INode,
	): string {
		if (!template.startsWith('=') || !workflow || !node) return template;
		return String(
			workflow.expression.getParameterValue(
				template,
				null,
				0,
				0,
				node.name,
				[],
				'internal',
				{ $credentials: credentials } as never,
				undefined,
				false,
			),
		);
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types.get(typeName);
		if (!type?.preAuthentication) return undefined;
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable) return undefined;
		if (credentials[expirable.name] !== '' && credentials[expirable.name] !== undefined) {
			if (!credentialsExpired) return undefined;
		}
		this.preAuthenticationCalls++;
		const output = await type.preAuthentication.call(helpers, credentials);
		const updated = { ...credentials, ...output } as ICredentialDataDecryptedObject;
		this.store.set(typeName, updated);
		return updated;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.types.get(typeName);
		if (!type?.preAuthentication) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		return { ...credentials, ...output } as ICredentialDataDecryptedObject;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('Not used by the nodes under test');
	}

	async getDecrypted(
		_additionalData: unknown,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.decryptions++;
		const data = this.store.get(type);
		if (!data) throw new Error(`No test credential of type ${type}`);
		return { ...data };
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(type, data);
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types.get(type)?.properties ?? [];
	}
}
