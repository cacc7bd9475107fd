import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IRun,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { TestCredentialsHelper } from './credentialsHelper';
import { nodeTypes, PACKAGE } from './nodeTypes';

export interface RunNodeOptions {
	/** Node name inside the package, e.g. `inversVehicleManagement`. */
	node: string;
	parameters: INodeParameters;
	/** Input items of the node; one empty item by default. */
	items?: IDataObject[];
	credentials: TestCredentials;
	continueOnFail?: boolean;
	/** "Continue (using error output)": failed items go to a second output, `errorItems`. */
	errorOutput?: boolean;
	/** The node's version, as a saved workflow records it; the node's default version if absent. */
	typeVersion?: number;
}

export interface NodeRunResult {
	items: INodeExecutionData[];
	/** The error output's items (with `errorOutput`). */
	errorItems: INodeExecutionData[];
	/** The node's error when it failed (continueOnFail off). */
	error?: Error & { description?: string; httpCode?: string | null; context?: IDataObject };
	run: IRun;
}

/**
 * One credential as n8n would hold it, shared by every run that gets it: the access token that
 * preAuthentication stores stays for the next run, as it would in n8n's database.
 */
export class TestCredentials {
	readonly store = new Map<string, ICredentialDataDecryptedObject>();

	readonly helper = new TestCredentialsHelper(this.store);

	constructor(data: ICredentialDataDecryptedObject) {
		this.store.set('inversOneApi', { accessToken: '', ...data });
	}

	get data(): ICredentialDataDecryptedObject {
		return this.store.get('inversOneApi')!;
	}
}

/** The version the editor gives a node it adds: `defaultVersion`, else the highest. */
function defaultVersionOf(type: string): number {
	const { description } = nodeTypes.getByNameAndVersion(type);
	const versions = Array.isArray(description.version) ? description.version : [description.version];
	return description.defaultVersion ?? Math.max(...versions);
}

/**
 * The workflow `Test Items → node under test` with the additional data n8n's engine needs;
 * shared by runNode and the load-options context.
 */
export function buildWorkflow(
	nodeType: string,
	parameters: INodeParameters,
	credentials: TestCredentials,
	options: {
		items?: IDataObject[];
		continueOnFail?: boolean;
		errorOutput?: boolean;
		typeVersion?: number;
	} = {},
) {
	const nodeName = 'Node Under Test';
	const nodes: INode[] = [
		{
			id: 'items',
			name: 'Items',
			type: 'test.items',
			typeVersion: 1,
			position: [0, 0],
			parameters: { items: JSON.stringify(options.items ?? [{}]) },
		},
		{
			id: 'under-test',
			name: nodeName,
			type: `${PACKAGE}.${nodeType}`,
			// A node added in the editor gets the node's default version.
			typeVersion: options.typeVersion ?? defaultVersionOf(`${PACKAGE}.${nodeType}`),
			position: [200, 0],
			parameters,
			credentials: { inversOneApi: { id: '1', name: 'INVERS test' } },
			onError: options.errorOutput
				? 'continueErrorOutput'
				: options.continueOnFail
					? 'continueRegularOutput'
					: 'stopWorkflow',
		},
	];
	const connections = {
		Items: { main: [[{ node: nodeName, type: 'main' as const, index: 0 }]] },
	};
	const workflow = new Workflow({
		id: 'test-workflow',
		name: 'Test',
		nodes,
		connections,
		active: false,
		nodeTypes,
	});
	const workflowData = {
		id: 'test-workflow',
		name: 'Test',
		active: false,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections,
		activeVersionId: null,
	} as unknown as IWorkflowBase;
	const additionalData = {
		credentialsHelper: credentials.helper,
		hooks: new ExecutionLifecycleHooks('manual', 'test-execution', workflowData),
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not part of these tests');
		},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formBaseUrl: 'http://127.0.0.1:5678/form',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1:5678/form-test',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcp',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcp-test',
		variables: {},
		logAiEvent: () => {},
		startRunnerTask: async () => {
			throw new Error('Task runners are not part of these tests');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	return { workflow, additionalData, node: workflow.getNode(nodeName)!, nodeName };
}

/**
 * Runs `Test Items → node` through n8n-core's real execution engine (WorkflowExecute): parameters
 * are resolved and validated, expressions evaluated, credentials fetched through the helper and
 * HTTP requests sent by n8n's own request helpers.
 */
export async function runNode(options: RunNodeOptions): Promise<NodeRunResult> {
	const { workflow, additionalData, nodeName } = buildWorkflow(
		options.node,
		options.parameters,
		options.credentials,
		options,
	);
	const run = await new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode: workflow.getNode('Items')!,
	});
	const taskData = run.data.resultData.runData[nodeName]?.[0];
	return {
		items: taskData?.data?.main?.[0] ?? [],
		errorItems: taskData?.data?.main?.[1] ?? [],
		error: (taskData?.error ?? run.data.resultData.error) as NodeRunResult['error'],
		run,
	};
}
