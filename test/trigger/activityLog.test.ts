/**
 * What the trigger tells n8n's log at info level: one line at activation (queues, start mode,
 * acknowledge mode), the counts while events arrive, and the counts at stop.
 */
import { stateRecorded, until, vehicleChanged } from '../harness/triggerAmqp';
import { useTriggerTestBed } from '../harness/triggerTestBed';

const bed = useTriggerTestBed();

const infoLines = (logs: Array<{ level: string; message: string }>) =>
	logs.filter((log) => log.level === 'info').map((log) => log.message);

describe("the trigger's log", () => {
	it('names queues, start mode and acknowledge mode at activation', async () => {
		const trigger = await bed.start({
			queues: `${bed.broker.changes},${bed.broker.states}`,
			startOn: 'batch',
			batchMaxEvents: 250,
			batchMaxWait: 1.5,
			latestPerVehicle: true,
			ackMode: 'executionSucceeded',
		});
		const started = infoLines(trigger.logs).find((line) =>
			line.startsWith('INVERS Trigger started'),
		);
		expect(started).toBe(
			`INVERS Trigger started: consuming "${bed.broker.changes}", "${bed.broker.states}"; starts the workflow in batches of at most 250 events or 1.5 s, latest per vehicle, 1 at a time; acknowledges only when the execution succeeds, a failed one requeued once, then dead-lettered; prefetch 500`,
		);
	});

	it('names the watched conditions at activation', async () => {
		const trigger = await bed.start({
			queues: bed.broker.states,
			startOn: 'conditionChange',
			conditions: { condition: [{ type: 'chargeBelow', name: 'low', belowPercent: 20 }] },
		});
		expect(infoLines(trigger.logs)).toContainEqual(
			expect.stringContaining(
				'starts the workflow when a watched condition changes: low (chargeBelow)',
			),
		);
	});

	it('writes the counts while events arrive, nothing while the queue is quiet, and at stop', async () => {
		const trigger = await bed.start({
			queues: `${bed.broker.changes},${bed.broker.states}`,
			startOn: 'conditionChange',
			conditions: { condition: [{ type: 'lifeStatusBecomes', name: 'offline' }] },
			options: { logInterval: 0.01 },
		});
		for (let i = 0; i < 5; i++) await bed.broker.publisher.publish(vehicleChanged(`V${i}`));
		await bed.broker.publisher.publish(stateRecorded('V1'));
		await until(() => infoLines(trigger.logs).some((line) => line.includes('6 events received')));
		const periodic = infoLines(trigger.logs).filter((line) =>
			line.startsWith('INVERS Trigger: since activation'),
		);
		expect(periodic[periodic.length - 1]).toBe(
			'INVERS Trigger: since activation 6 events received, 0 executions started, 6 without a transition, 0 vehicles watched (0 forgotten)',
		);
		// Quiet queue: no new line for unchanged counts.
		const count = periodic.length;
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(
			infoLines(trigger.logs).filter((line) => line.startsWith('INVERS Trigger: since')),
		).toHaveLength(count);
		await trigger.close();
		expect(infoLines(trigger.logs)).toContain(
			'INVERS Trigger stopped: since activation 6 events received, 0 executions started, 6 without a transition, 0 vehicles watched (0 forgotten)',
		);
	});
});
