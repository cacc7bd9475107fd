/** The credential the sandbox and the end-to-end tests import: the simulator and the local broker. */
export const SANDBOX_CREDENTIAL_ID = 'inversSandbox001';
export const SANDBOX_CREDENTIAL_NAME = 'INVERS OneAPI (local simulator)';

export function sandboxCredential(simulatorUrl: string, amqpPort = 5672) {
	return {
		id: SANDBOX_CREDENTIAL_ID,
		name: SANDBOX_CREDENTIAL_NAME,
		type: 'inversOneApi',
		data: {
			baseUrl: simulatorUrl,
			clientId: 'demo#client',
			clientSecret: 'demo-secret',
			accessToken: '',
			amqpHost: '127.0.0.1',
			amqpPort,
			amqpTls: false,
			amqpVhost: '/',
			amqpUsername: 'guest',
			amqpPassword: 'guest',
		},
	};
}
