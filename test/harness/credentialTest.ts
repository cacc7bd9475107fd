import { CredentialTestContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { inversOneApiConnectionTest } from '../../nodes/credentialTest';

/**
 * Runs the credential's test as n8n's "Test" button does: in n8n-core's CredentialTestContext,
 * whose only HTTP helper is n8n's legacy `request`. Fields not given are left empty (no AMQP
 * login unless given).
 */
export async function runCredentialTest(
	data: ICredentialDataDecryptedObject,
): Promise<INodeCredentialTestResult> {
	const context = new CredentialTestContext(
		{} as IWorkflowExecuteAdditionalData,
	) as unknown as ICredentialTestFunctions;
	return await inversOneApiConnectionTest.call(context, {
		id: '1',
		name: 'INVERS test',
		type: 'inversOneApi',
		data: { accessToken: '', amqpUsername: '', ...data },
	});
}
