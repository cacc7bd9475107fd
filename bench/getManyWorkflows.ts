/**
 * The workflows the Get Many benchmarks run in a real n8n (bench:n8n, bench:network): the package's
 * Get Many, and what operators build today with n8n's HTTP Request node. Both use the sandbox's
 * credential, so they fetch their token the same way.
 */
import { SANDBOX_CREDENTIAL_ID, SANDBOX_CREDENTIAL_NAME } from '../scripts/sandbox/credential';
import type { ChainNode } from '../test/e2e/linearWorkflow';
import { linearWorkflow, webhookNode } from '../test/e2e/linearWorkflow';

const CREDENTIALS = {
	inversOneApi: { id: SANDBOX_CREDENTIAL_ID, name: SANDBOX_CREDENTIAL_NAME },
};

/**
 * `Webhook (GET /webhook/<path>) → nodes…`, answering with no data once the workflow has ended and
 * keeping no execution data, so that a call times the execution and nothing after it.
 */
export function benchWorkflow(id: string, webhookPath: string, chain: ChainNode[]) {
	return linearWorkflow(
		id,
		`INVERS bench: ${webhookPath}`,
		[webhookNode(webhookPath, 'noData'), ...chain],
		{
			saveDataSuccessExecution: 'none',
			saveDataErrorExecution: 'all',
			saveManualExecutions: false,
			saveExecutionProgress: false,
		},
	);
}

/** INVERS Vehicle Management with these parameters (Get Many, or one Get). */
export const getMany = (parameters: object): ChainNode => ({
	name: 'Get Many',
	type: 'n8n-nodes-invers-oneapi.inversVehicleManagement',
	typeVersion: 1,
	parameters,
	credentials: CREDENTIALS,
});

/**
 * What operators do today: n8n's HTTP Request node with its pagination (the page token of each
 * answer into the next request) and the same credential, then Split Out for one item per vehicle.
 */
export function httpRequestChain(baseUrl: string, limit: number): ChainNode[] {
	return [
		{
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			credentials: CREDENTIALS,
			parameters: {
				url: `${baseUrl}/vehicles`,
				authentication: 'predefinedCredentialType',
				nodeCredentialType: 'inversOneApi',
				sendQuery: true,
				queryParameters: { parameters: [{ name: 'limit', value: String(limit) }] },
				options: {
					pagination: {
						pagination: {
							paginationMode: 'updateAParameterInEachRequest',
							parameters: {
								parameters: [
									{
										type: 'qs',
										name: 'page_token',
										value: '={{ $response.body.next_page_token }}',
									},
								],
							},
							paginationCompleteWhen: 'other',
							completeExpression: '={{ !$response.body.next_page_token }}',
						},
					},
				},
			},
		},
		{
			name: 'Split Out',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			parameters: { fieldToSplitOut: 'items', include: 'noOtherFields', options: {} },
		},
	];
}
