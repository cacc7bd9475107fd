import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { ExecutionPolicy, StartOptions, TriggerRun } from './trigger';
import { localCredentials, startTrigger } from './trigger';
import type { CuttableProxy, Provisioned } from './triggerAmqp';
import { provision, startProxy } from './triggerAmqp';

export interface TriggerTestBed {
	/** This test's own exchange and queues on the real RabbitMQ. */
	readonly broker: Provisioned;
	/** The cuttable proxy the trigger connects through (`throughProxy` only). */
	readonly proxy: CuttableProxy;
	/**
	 * Starts the INVERS Trigger on the vehicle-changes queue unless the parameters name queues,
	 * with the local broker's login (through the proxy when there is one); closed after the test.
	 */
	start(
		parameters?: Record<string, unknown>,
		policy?: ExecutionPolicy,
		options?: {
			credentials?: Partial<ICredentialDataDecryptedObject>;
			mode?: StartOptions['mode'];
		},
	): Promise<TriggerRun>;
}

/**
 * Registers the hooks every trigger test file needs: fresh queues per test (and a proxy in front
 * of the broker), and afterwards the triggers closed and the queues deleted.
 */
export function useTriggerTestBed(options: { throughProxy?: boolean } = {}): TriggerTestBed {
	let broker: Provisioned | undefined;
	let proxy: CuttableProxy | undefined;
	const runs: TriggerRun[] = [];

	beforeEach(async () => {
		broker = await provision();
		if (options.throughProxy) proxy = await startProxy();
	});

	afterEach(async () => {
		// Closing is idempotent: tests that closed a trigger themselves are closed again harmlessly.
		for (const run of runs.splice(0)) await run.close();
		await proxy?.close();
		proxy = undefined;
		await broker?.cleanup();
		broker = undefined;
	});

	const bed: TriggerTestBed = {
		get broker() {
			if (!broker) throw new Error('The test bed exists only inside a test');
			return broker;
		},
		get proxy() {
			if (!proxy)
				throw new Error('This test bed has no proxy: useTriggerTestBed({ throughProxy: true })');
			return proxy;
		},
		async start(parameters = {}, policy = 'success', startOptions = {}) {
			const run = await startTrigger({
				parameters: { queues: bed.broker.changes, ...parameters } as never,
				credentials: localCredentials({
					...(proxy ? { amqpPort: proxy.port } : {}),
					...startOptions.credentials,
				}),
				policy,
				mode: startOptions.mode,
			});
			runs.push(run);
			return run;
		},
	};
	return bed;
}
