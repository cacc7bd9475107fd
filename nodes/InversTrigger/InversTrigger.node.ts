import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IRun,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { paths } from '../shared/contract';
import { oneApiRequest } from '../shared/transport';
import { amqpTargetFromCredential } from './amqp/connect';
import { ConsumerSession } from './amqp/consumerSession';
import { inversOneApiConnectionTest } from '../credentialTest';
import { ActivityLog, describeActivation } from './activityLog';
import { triggerProperties } from './description';
import { EventPipeline } from './eventPipeline';
import { readSettings } from './settings';

export class InversTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'INVERS Trigger',
		name: 'inversTrigger',
		icon: { light: 'file:../../icons/invers.svg', dark: 'file:../../icons/invers.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["queues"]}}',
		description:
			'Starts the workflow on INVERS fleet events (vehicle changes, vehicle states, trips)',
		eventTriggerDescription: 'Waiting for an INVERS event',
		defaults: { name: 'INVERS Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'inversOneApi', required: true, testedBy: 'inversOneApiConnectionTest' }],
		properties: triggerProperties,
	};

	methods = {
		credentialTest: { inversOneApiConnectionTest },
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const node = this.getNode();
		const settings = readSettings(this);
		const credentials = await this.getCredentials('inversOneApi');
		let target;
		try {
			target = amqpTargetFromCredential(credentials);
		} catch (error) {
			throw new NodeOperationError(node, (error as Error).message, {
				description: 'Correct the event part of the INVERS OneAPI credential. Nothing was sent.',
			});
		}
		// A test run waits for one event (or one batch): no other message is held back meanwhile.
		const manual = this.getMode() === 'manual';
		if (manual) settings.prefetch = settings.batch?.maxEvents ?? 1;

		const pipeline = new EventPipeline(
			settings,
			{
				// Resolved at call time: for test runs n8n replaces `emit` after trigger() returned.
				emit: (data, done) => this.emit(data, undefined, done),
				createDeferred: () => this.helpers.createDeferredPromise<IRun>(),
				logger: this.logger,
				// Through the shared transport: rate-limit pacing, safe retries, problem-JSON errors.
				fetchVehicle: async (vehicleId) =>
					(
						await oneApiRequest.call(this, {
							method: 'GET',
							path: paths.vehicle(vehicleId),
							subject: `vehicle ${vehicleId}`,
						})
					).body as IDataObject,
				onManualEmit: () => void session.cancelConsumers(),
			},
			manual,
		);

		const workflow = this.getWorkflow();
		const session = new ConsumerSession(
			target,
			{
				queues: settings.queues,
				prefetch: settings.prefetch,
				createQueueIfMissing: settings.createQueueIfMissing,
				reconnectGiveUpMs: settings.reconnectGiveUpMs,
				connectionName: `n8n workflow ${workflow.id ?? ''} / ${node.name}`,
				startPaused: manual,
			},
			{
				onDelivery: (delivery) => pipeline.handle(delivery),
				onGiveUp: (error) => this.emitError(new NodeOperationError(node, error.message)),
			},
			this.logger,
		);
		try {
			await session.start();
		} catch (error) {
			await session.shutdown();
			throw new NodeOperationError(node, (error as Error).message, {
				description:
					'The INVERS Trigger could not start consuming. The message names the part to check.',
			});
		}

		this.logger.info(describeActivation(settings));
		const activity = new ActivityLog(this.logger, settings.logIntervalMs, () =>
			pipeline.snapshot(),
		);
		if (!manual) activity.start();

		const stop = async (drainBoundMs: number, bound: string) => {
			const left = await pipeline.drain(drainBoundMs);
			if (left > 0) {
				// Not lost, but they will run again: the operator should know why and how many.
				this.logger.warn(
					`INVERS Trigger: the ${bound} (${drainBoundMs / 1000} s) expired with ${left} events whose executions are still running; they were not acknowledged, so the broker keeps them and they will be redelivered (their workflow may run a second time)`,
					{ unanswered: left },
				);
			}
			pipeline.dispose();
			await session.shutdown();
			activity.stop({ reconnects: session.reconnects, unansweredAtClose: left });
		};

		let closing: Promise<void> | undefined;
		const closeFunction = async () => {
			closing ??= (async () => {
				pipeline.beginClose();
				await session.cancelConsumers();
				pipeline.returnWaiting();
				if (manual) {
					// n8n awaits this before it reports the test run finished, so waiting here for the
					// run would wait forever: acknowledge in the background, bounded by the timeout.
					void stop(settings.executionTimeoutMs, 'Execution Timeout').catch((error) =>
						this.logger.warn(`INVERS Trigger: closing after the test run failed: ${error}`),
					);
					return;
				}
				await stop(settings.closeTimeoutMs, 'Close Timeout');
			})();
			await closing;
		};

		return {
			closeFunction,
			// A test run starts consuming only once n8n listens for the one event.
			manualTriggerFunction: async () => await session.startConsuming(),
		};
	}
}
