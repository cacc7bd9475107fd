/**
 * The events INVERS sends, read by their layout whatever their schema major version: INVERS's own
 * example envelope is a VehicleStateRecorded of major version 2. An event of a known type whose
 * layout the trigger cannot read is passed on or counted and logged, never acknowledged silently.
 */
import { randomUUID } from 'node:crypto';

import type { EventEnvelope } from '../../simulator/amqpPublisher';
import { until } from '../harness/triggerAmqp';
import { useTriggerTestBed } from '../harness/triggerTestBed';

const bed = useTriggerTestBed();

function stateEvent(
	vehicleId: string,
	level: number,
	at: string,
	version: number | undefined = 2,
): EventEnvelope {
	return {
		metadata: {
			id: randomUUID(),
			type: 'VehicleStateRecorded',
			...(version === undefined ? {} : { schema_major_version: version }),
			occurred_at: at,
			flow_id: randomUUID(),
		},
		data: {
			vehicle_id: vehicleId,
			vehicle_state: {
				state_of_charge_or_fuel_level_in_percent: { timestamp: at, value: level },
			},
		},
	};
}

/** A known type in a layout the trigger cannot read (what a future breaking version could be). */
function unreadableState(version: number): EventEnvelope {
	return {
		metadata: {
			id: randomUUID(),
			type: 'VehicleStateRecorded',
			schema_major_version: version,
			occurred_at: '2026-03-01T10:00:00.000Z',
			flow_id: randomUUID(),
		},
		data: { readings: [{ vehicle: 'V9', charge: 5 }] },
	} as unknown as EventEnvelope;
}

const LOW_CHARGE = {
	startOn: 'conditionChange',
	conditions: { condition: [{ type: 'chargeBelow', name: 'low', belowPercent: 20 }] },
};

describe('schema major versions', () => {
	it('watched conditions read version 2 state events: 50 % then 10 % enters "below 20 %" once', async () => {
		const trigger = await bed.start({ queues: bed.broker.states, ...LOW_CHARGE });
		await bed.broker.publisher.publish(stateEvent('V1', 50, '2026-03-01T10:00:00.000Z'));
		await bed.broker.publisher.publish(stateEvent('V1', 10, '2026-03-01T10:01:00.000Z'));
		await trigger.waitForExecutions(1);
		await until(async () => (await bed.broker.queueDepth(bed.broker.states)) === 0);
		expect(trigger.executions).toHaveLength(1);
		expect(trigger.executions[0].items[0]).toMatchObject({
			condition: 'low',
			transition: 'entered',
			previous_value: 50,
			current_value: 10,
			vehicle_id: 'V1',
			schema_major_version: 2,
		});
	});

	it('For Every Event simplifies a version 2 state and a version 3 VehicleChanged of the known layout', async () => {
		const trigger = await bed.start({ queues: `${bed.broker.states},${bed.broker.changes}` });
		await bed.broker.publisher.publish(stateEvent('V1', 42, '2026-03-01T10:00:00.000Z'));
		await bed.broker.publisher.publish({
			metadata: {
				id: 'changed-v3',
				type: 'VehicleChanged',
				schema_major_version: 3,
				occurred_at: '2026-03-01T10:00:01.000Z',
				flow_id: randomUUID(),
			},
			data: { vehicle: { id: 'V2', life_status: { value: 'OFFLINE' } }, reasons: ['X'] },
		});
		await trigger.waitForExecutions(2);
		const [state, changed] = trigger.executions.map((execution) => execution.items[0]);
		expect(state).toMatchObject({
			vehicle_id: 'V1',
			vehicle_state: { state_of_charge_or_fuel_level_in_percent: 42 },
			state_recorded_at: '2026-03-01T10:00:00.000Z',
		});
		expect(state.data).toBeUndefined();
		expect(changed).toMatchObject({
			vehicle_id: 'V2',
			reasons: ['X'],
			vehicle: { id: 'V2', life_status: { value: 'OFFLINE' } },
		});
	});

	it('For Every Event passes a known type of an unreadable layout on as it came', async () => {
		const trigger = await bed.start({ queues: bed.broker.states });
		const event = unreadableState(3);
		await bed.broker.publisher.publish(event);
		await trigger.waitForExecutions(1);
		expect(trigger.executions[0].items[0]).toMatchObject({
			event_type: 'VehicleStateRecorded',
			schema_major_version: 3,
			data: event.data,
		});
	});

	it('watched conditions count an unreadable layout and warn once per type and version', async () => {
		const trigger = await bed.start({ queues: bed.broker.states, ...LOW_CHARGE });
		await bed.broker.publisher.publish(unreadableState(3));
		await bed.broker.publisher.publish(unreadableState(3));
		await bed.broker.publisher.publish(unreadableState(4));
		await until(async () => (await bed.broker.queueDepth(bed.broker.states)) === 0);
		await trigger.close();
		const warnings = trigger.logs.filter(
			(entry) => entry.level === 'warn' && entry.message.includes('cannot read'),
		);
		expect(warnings.map((entry) => entry.message)).toEqual([
			expect.stringContaining('VehicleStateRecorded of schema major version 3'),
			expect.stringContaining('VehicleStateRecorded of schema major version 4'),
		]);
		expect(warnings[0].message).toContain('acknowledged without starting the workflow');
		expect(trigger.summary()).toMatchObject({ received: 3, unreadable: 3, emitted: 0 });
	});
});
