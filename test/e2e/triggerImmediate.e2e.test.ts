/**
 * "Acknowledge: Immediately" in a real n8n: each event is acknowledged as its execution starts,
 * yet a backlog never runs more executions at once than Parallel Executions. The limit depends on
 * n8n telling the trigger when an execution ended, so it is checked through n8n's activation.
 */

import type { CountingTrigger } from './countingTrigger';
import { startCountingTrigger } from './countingTrigger';
import { Receiver, describeE2e } from './harness';

const PARALLEL = 3;

describeE2e('the INVERS Trigger acknowledging immediately, in n8n', () => {
	// Each execution waits 300 ms for the receiver: a backlog keeps every slot busy.
	const receiver = new Receiver(300);
	let trigger: CountingTrigger | undefined;

	beforeAll(async () => {
		trigger = await startCountingTrigger('e2e-imm', receiver, {
			ackMode: 'immediately',
			options: { prefetch: PARALLEL, closeTimeout: 5 },
		});
	}, 240_000);

	afterAll(async () => await trigger?.close(), 60_000);

	it('runs a backlog at most Parallel Executions at a time, each event once', async () => {
		await trigger!.publish(30, 'backlog');
		await trigger!.expectEachOnce();
		expect(receiver.mostInFlight).toBeLessThanOrEqual(PARALLEL);
		expect(receiver.mostInFlight).toBe(PARALLEL);
	}, 180_000);
});
