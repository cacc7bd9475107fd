import { CredentialTestContext } from 'n8n-core';
import type { ICredentialTestFunctions, IWorkflowExecuteAdditionalData } from 'n8n-workflow';

import { InversTrigger } from '../../nodes/InversTrigger/InversTrigger.node';
import { clearAccessTokenCache } from '../../nodes/shared/transport/accessToken';
import { stateRecorded, uniqueName, until, vehicleChanged } from '../harness/triggerAmqp';
import type { Simulator } from '../../simulator';
import { DEMO_CLIENT, startSimulator } from '../../simulator';
import { localCredentials } from '../harness/trigger';
import { useTriggerTestBed } from '../harness/triggerTestBed';

const bed = useTriggerTestBed({ throughProxy: true });

describe('activation errors', () => {
	async function activationError(parameters: object, credentials: object): Promise<Error> {
		try {
			await bed.start(parameters as Record<string, unknown>, 'success', { credentials });
		} catch (error) {
			return error as Error;
		}
		throw new Error('trigger() did not fail');
	}

	it('names a refused login, without the password', async () => {
		const wrong = `not-${'guest'}-123`;
		const error = await activationError({}, { amqpPassword: wrong });
		expect(error.message).toMatch(/refused the login of event consumer "guest"/);
		expect(JSON.stringify({ ...error, message: error.message })).not.toContain(wrong);
	});

	it('names an unknown virtual host', async () => {
		const error = await activationError({}, { amqpVhost: 'no-such-vhost' });
		expect(error.message).toMatch(/virtual host "no-such-vhost"/);
	});

	it('names a missing queue, and creates none', async () => {
		const queue = uniqueName('missing');
		const error = await activationError({ queues: `${bed.broker.changes}, ${queue}` }, {});
		expect(error.message).toContain(`Queue "${queue}" does not exist`);
		await expect(bed.broker.queueDepth(queue)).rejects.toThrow(/NOT_FOUND/);
	});

	it('names an unreachable broker', async () => {
		const error = await activationError({}, { amqpPort: 1 });
		expect(error.message).toMatch(
			/Cannot reach the event broker at amqp:\/\/127.0.0.1:1 .*connection refused/,
		);
	});

	it('leaves no connection open after a failed activation', async () => {
		await activationError({ queues: uniqueName('missing') }, {});
		await until(() => bed.proxy.openConnections === 0, 2000, 'connection closed');
	});

	it('creates a missing queue only with the local-broker option', async () => {
		const queue = uniqueName('local');
		await bed.start({ queues: queue, options: { createQueueIfMissing: true } });
		expect(await bed.broker.queueDepth(queue)).toBe(0);
		await bed.broker.admin.deleteQueue(queue);
	});
});

describe('manual test run', () => {
	it('waits for one matching event, acknowledges it after the run, and closes', async () => {
		const trigger = await bed.start({ filters: { vehicleIds: 'WANTED' } }, 'hold', {
			mode: 'manual',
		});
		await bed.broker.publisher.publish(vehicleChanged('SKIPPED'));
		const wanted = vehicleChanged('WANTED');
		await bed.broker.publisher.publish(wanted);
		await bed.broker.publisher.publish(vehicleChanged('WANTED'));
		await trigger.waitForExecutions(1);
		expect(trigger.executions[0].items[0].event_id).toBe(wanted.metadata.id);
		// n8n closes the trigger right after the emit, then reports the run's end.
		await trigger.close();
		expect(bed.proxy.openConnections).toBe(1);
		trigger.executions[0].succeed();
		await until(() => bed.proxy.openConnections === 0, 3000, 'connection closed after the run');
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.summary()).toMatchObject({ emitted: 1, filtered: 1, acked: 2 });
		// The second WANTED event stays for the production trigger.
		expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(1);
	});

	it('honours "only when it succeeds": a failed test run requeues the event', async () => {
		const trigger = await bed.start({ ackMode: 'executionSucceeded' }, 'hold', { mode: 'manual' });
		await bed.broker.publisher.publish(vehicleChanged('A'));
		await trigger.waitForExecutions(1);
		await trigger.close();
		trigger.executions[0].fail();
		await until(() => bed.proxy.openConnections === 0, 3000, 'connection closed');
		expect(trigger.summary()).toMatchObject({ requeued: 1 });
		expect(await bed.broker.queueDepth(bed.broker.changes)).toBe(1);
	});
});

describe('Include Vehicle', () => {
	let sim: Simulator;
	beforeEach(async () => {
		clearAccessTokenCache();
		sim = await startSimulator({ fleetSize: 5 });
	});
	afterEach(async () => await sim.close());

	it('adds the vehicle to state events, caches it, refreshes it on VehicleChanged, and survives failures', async () => {
		const [vehicleId, brokenId] = sim.vehicleIds();
		const plate = sim.getVehicle(vehicleId)!.master_data.license_plate;
		// The second vehicle's reads fail on the server, however often they are retried.
		sim.faults.add({ kind: 'status', status: 500, path: `^/vehicles/${brokenId}$`, times: 100 });
		const vehicleReads = () => sim.stats.requests['GET /vehicles/:id'] ?? 0;
		const trigger = await bed.start(
			{
				queues: `${bed.broker.states}, ${bed.broker.changes}`,
				includeVehicle: true,
				options: { prefetch: 1 },
			},
			'success',
			{
				credentials: {
					baseUrl: sim.url,
					clientId: DEMO_CLIENT.clientId,
					clientSecret: DEMO_CLIENT.clientSecret,
				},
			},
		);
		await bed.broker.publisher.publish(stateRecorded(vehicleId));
		await trigger.waitForExecutions(1);
		await bed.broker.publisher.publish(stateRecorded(vehicleId));
		await trigger.waitForExecutions(2);
		expect(vehicleReads()).toBe(1);
		const changed = vehicleChanged(vehicleId);
		(changed.data as { vehicle: { master_data: object } }).vehicle.master_data = {
			license_plate: 'NEW-PLATE',
		};
		await bed.broker.publisher.publish(changed);
		await trigger.waitForExecutions(3);
		await bed.broker.publisher.publish(stateRecorded(vehicleId));
		await trigger.waitForExecutions(4);
		await bed.broker.publisher.publish(stateRecorded(brokenId));
		await trigger.waitForExecutions(5);
		const items = trigger.executions.map(
			(e) =>
				e.items[0] as {
					vehicle: { master_data: { license_plate: string } } | null;
					enrichment_error?: string;
					vehicle_state: object;
				},
		);
		expect(items[0].vehicle!.master_data.license_plate).toBe(plate);
		expect(items[1].vehicle!.master_data.license_plate).toBe(plate);
		// VehicleChanged carries the new vehicle: the cache takes it, no read needed.
		expect(items[3].vehicle!.master_data.license_plate).toBe('NEW-PLATE');
		// The failing read went through the shared transport: retried (a read is safe), then given up.
		expect(vehicleReads()).toBe(1 + 4);
		expect(items[4].vehicle).toBeNull();
		expect(items[4].enrichment_error).toMatch(
			new RegExp(`Fetching vehicle ${brokenId} failed \\(HTTP 500\\)`),
		);
		expect(items[4].vehicle_state).toMatchObject({ central_lock: 'LOCKED' });
	}, 30000);
	it('picks up a corrected client secret without reactivation', async () => {
		// A trigger runs for as long as it is active: after its token request failed it loads the
		// credential again, so a secret corrected (or rotated) in n8n is used from the next event on.
		const [vehicleId] = sim.vehicleIds();
		const credentials = {
			baseUrl: sim.url,
			clientId: DEMO_CLIENT.clientId,
			clientSecret: 'not-the-secret',
		};
		const trigger = await bed.start(
			{ includeVehicle: true, queues: bed.broker.states, options: { prefetch: 1 } },
			'success',
			{ credentials },
		);
		await bed.broker.publisher.publish(stateRecorded(vehicleId));
		await trigger.waitForExecutions(1);
		trigger.updateCredentials({ clientSecret: DEMO_CLIENT.clientSecret });
		await bed.broker.publisher.publish(stateRecorded(vehicleId));
		await trigger.waitForExecutions(2);
		const items = trigger.executions.map(
			(execution) =>
				execution.items[0] as { vehicle: { id: string } | null; enrichment_error?: string },
		);
		expect(items[0].vehicle).toBeNull();
		expect(items[0].enrichment_error).toMatch(/access token/i);
		expect(items[0].enrichment_error).not.toContain('not-the-secret');
		expect(items[1].vehicle?.id).toBe(vehicleId);
	}, 30000);
});

describe('credential test', () => {
	const test = new InversTrigger().methods.credentialTest.inversOneApiConnectionTest;
	const context = new CredentialTestContext(
		{} as IWorkflowExecuteAdditionalData,
	) as unknown as ICredentialTestFunctions;
	let sim: Simulator;
	beforeEach(async () => {
		clearAccessTokenCache();
		sim = await startSimulator({ fleetSize: 5 });
	});
	afterEach(async () => await sim.close());

	const check = async (data: object) =>
		await test.call(context, {
			id: '1',
			name: 'c',
			type: 'inversOneApi',
			data: localCredentials({ baseUrl: sim.url, ...data }),
		});

	it('checks both parts when both are filled', async () => {
		const result = await check({
			clientId: DEMO_CLIENT.clientId,
			clientSecret: DEMO_CLIENT.clientSecret,
		});
		expect(result).toEqual({
			status: 'OK',
			message: 'Connection successful: event consumer login and API client work',
		});
	});

	it('says the AMQP login failed, without secrets', async () => {
		const result = await check({ amqpPassword: 'bad-pass-42' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Events \(AMQP\): The broker refused the login/);
		expect(result.message).not.toContain('bad-pass-42');
	});

	it('says the REST token failed, without secrets', async () => {
		const result = await check({ clientId: DEMO_CLIENT.clientId, clientSecret: 'bad-secret-42' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^REST API: INVERS rejected the Client ID or Client Secret/);
		expect(result.message).not.toContain('bad-secret-42');
	});

	it('asks for something to test when nothing is filled', async () => {
		const result = await check({ amqpUsername: '' });
		expect(result.status).toBe('Error');
	});
});
