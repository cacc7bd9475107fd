import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { eventConsumerPart } from './InversTrigger/amqp/eventConsumerPart';
import { apiClientPart, testCredentialParts } from './shared/credentialTest';

/**
 * The test of the INVERS OneAPI credential, the same in all four nodes (`testedBy`): n8n runs it
 * from whichever node it finds first. The credential has two independent parts, the event
 * consumer (AMQP, the trigger's) and the REST API client (the action nodes'); each filled part is
 * checked, and a failure names its part.
 */
export async function inversOneApiConnectionTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	return await testCredentialParts(this, credential, [eventConsumerPart, apiClientPart]);
}
