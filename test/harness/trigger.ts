/**
 * Runs the INVERS Trigger the way n8n does, with n8n-core's real `TriggerContext` (parameters
 * resolved by n8n's expression engine, credentials through a credentials helper, n8n's
 * `createDeferredPromise`, `httpRequestWithAuthentication`). What n8n's ActiveWorkflowManager
 * adds around it is emulated: `emit` records an execution the test resolves as success, failure
 * or never; `emitError` is recorded; for manual runs `emit` is replaced after `trigger()` returned,
 * exactly as n8n-core's TriggersAndPollers does, and `manualTriggerFunction` is called.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	IRun,
	ITriggerFunctions,
	ITriggerResponse,
	IWorkflowExecuteAdditionalData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';
import { TriggerContext } from 'n8n-core';

import { InversTrigger } from '../../nodes/InversTrigger/InversTrigger.node';
import { TestCredentialsHelper } from './credentialsHelper';

export const TRIGGER_TYPE = 'n8n-nodes-invers-oneapi.inversTrigger';

export type Deferred = NonNullable<Parameters<ITriggerFunctions['emit']>[2]>;

/** One started execution, as n8n would run it. */
export interface Execution {
	items: IDataObject[];
	done?: Deferred;
	settled: boolean;
	succeed(): void;
	fail(message?: string): void;
}

/** How the emulated n8n ends each execution: now, later by the test, or never. */
export type ExecutionPolicy = 'success' | 'failure' | 'hold' | ((execution: Execution) => void);

export interface LogEntry {
	level: 'debug' | 'info' | 'warn' | 'error';
	message: string;
	meta?: IDataObject;
}

export interface TriggerRun {
	executions: Execution[];
	errors: Error[];
	logs: LogEntry[];
	response: ITriggerResponse;
	/** The name the node gives its broker connection (unique per run). */
	connectionName: string;
	policy: ExecutionPolicy;
	close(): Promise<void>;
	/** Waits until at least `count` executions started. */
	waitForExecutions(count: number, timeoutMs?: number): Promise<void>;
	/** The counters the node logs when it stopped. */
	summary(): IDataObject | undefined;
	/** Changes the stored credential while the trigger runs, as editing it in n8n would. */
	updateCredentials(data: Partial<ICredentialDataDecryptedObject>): void;
}

export interface StartOptions {
	parameters: INodeParameters;
	credentials: ICredentialDataDecryptedObject;
	mode?: 'trigger' | 'manual';
	policy?: ExecutionPolicy;
	/** Another trigger node to run the same way (the benchmark runs n8n's RabbitMQ trigger). */
	nodeType?: INodeType;
	credentialType?: string;
}

const inversTrigger = new InversTrigger();

function nodeTypesOf(trigger: INodeType): INodeTypes {
	return {
		getByName: (): INodeType | IVersionedNodeType => trigger,
		getByNameAndVersion: (): INodeType => trigger,
		getKnownTypes: () => ({}),
	};
}

export function fakeRun(status: 'success' | 'error', message = 'Workflow failed'): IRun {
	return {
		data: {
			resultData: {
				runData: {},
				...(status === 'error' ? { error: { message, name: 'NodeOperationError' } } : {}),
			},
		},
		mode: 'trigger',
		startedAt: new Date(),
		stoppedAt: new Date(),
		storedAt: 'db',
		status,
		finished: status === 'success',
	} as unknown as IRun;
}

/** Shared: nothing reads a run's dates, and the benchmark resolves many thousands per second. */
const SUCCESS_RUN = fakeRun('success');

function captureLogger(logs: LogEntry[]) {
	const record = (level: LogEntry['level']) => (message: string, meta?: IDataObject) => {
		logs.push({ level, message, meta });
	};
	return {
		debug: record('debug'),
		info: record('info'),
		warn: record('warn'),
		error: record('error'),
		scoped: () => captureLogger(logs),
	};
}

export async function startTrigger(options: StartOptions): Promise<TriggerRun> {
	const trigger = options.nodeType ?? inversTrigger;
	const credentialType = options.credentialType ?? 'inversOneApi';
	const node: INode = {
		id: 'trigger-node',
		name: 'INVERS Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { [credentialType]: { id: 'cred-1', name: 'test credential' } },
	};
	const workflowId = `wf-${Math.random().toString(36).slice(2, 10)}`;
	const workflow = new Workflow({
		id: workflowId,
		name: 'trigger test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: nodeTypesOf(trigger),
	});
	const credentialStore = new Map([[credentialType, { ...options.credentials }]]);
	const credentialsHelper = new TestCredentialsHelper(credentialStore);
	const additionalData = { credentialsHelper } as unknown as IWorkflowExecuteAdditionalData;

	const executions: Execution[] = [];
	const errors: Error[] = [];
	const logs: LogEntry[] = [];
	const waiters: Array<() => void> = [];
	const mode = options.mode ?? 'trigger';

	const run: TriggerRun = {
		executions,
		errors,
		logs,
		response: {},
		connectionName: `n8n workflow ${workflowId} / ${node.name}`,
		policy: options.policy ?? 'success',
		async close() {
			await run.response.closeFunction?.();
		},
		updateCredentials(data) {
			credentialStore.set(credentialType, {
				...credentialStore.get(credentialType),
				...data,
			} as ICredentialDataDecryptedObject);
		},
		async waitForExecutions(count, timeoutMs = 10_000) {
			const deadline = Date.now() + timeoutMs;
			while (executions.length < count) {
				if (Date.now() > deadline) {
					throw new Error(`Expected ${count} executions, got ${executions.length}`);
				}
				await new Promise<void>((resolve) => {
					waiters.push(resolve);
					setTimeout(resolve, 50).unref();
				});
			}
		},
		summary() {
			return logs.find((entry) => entry.message.startsWith('INVERS Trigger stopped'))?.meta;
		},
	};

	const emit = (data: INodeExecutionData[][], _response?: unknown, done?: Deferred) => {
		const execution: Execution = {
			items: (data[0] ?? []).map((item) => item.json),
			done,
			settled: false,
			succeed() {
				if (execution.settled) return;
				execution.settled = true;
				done?.resolve(SUCCESS_RUN);
			},
			fail(message) {
				if (execution.settled) return;
				execution.settled = true;
				done?.resolve(fakeRun('error', message));
			},
		};
		executions.push(execution);
		if (waiters.length) for (const wake of waiters.splice(0)) wake();
		const policy = run.policy;
		if (policy === 'success') setImmediate(() => execution.succeed());
		else if (policy === 'failure') setImmediate(() => execution.fail());
		else if (typeof policy === 'function') policy(execution);
	};

	const context = new TriggerContext(
		workflow,
		node,
		additionalData,
		mode,
		mode === 'manual' ? 'manual' : 'activate',
		mode === 'manual' ? undefined : emit,
		(error: Error) => errors.push(error),
		(error) => errors.push(error as unknown as Error),
	);
	Object.defineProperty(context, 'logger', { value: captureLogger(logs) });

	run.response = (await trigger.trigger!.call(context)) ?? {};
	if (mode === 'manual') {
		// n8n-core's TriggersAndPollers replaces emit once trigger() returned.
		(context as unknown as { emit: typeof emit }).emit = emit;
		await run.response.manualTriggerFunction?.();
	}
	return run;
}

/** Credential data for the local RabbitMQ (plain AMQP), optionally through a proxy port. */
export function localCredentials(
	overrides: Partial<ICredentialDataDecryptedObject> = {},
): ICredentialDataDecryptedObject {
	return {
		baseUrl: 'http://127.0.0.1:1',
		clientId: '',
		clientSecret: '',
		accessToken: '',
		amqpHost: '127.0.0.1',
		amqpPort: 5672,
		amqpTls: false,
		amqpVhost: '/',
		amqpUsername: 'guest',
		amqpPassword: 'guest',
		...overrides,
	};
}
