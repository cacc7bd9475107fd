/**
 * How `npm start` stops what it started (scripts/sandbox/processes.ts): each child as a process
 * group, grandchildren included, on a stop signal or when its parent (npm) ended without passing
 * one on. The end-to-end test of `npm start` sends the signals to the real thing.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

import { alive, descendants } from '../../scripts/processTree';
import { REPO_ROOT } from '../../scripts/sandbox/paths';
import { stopGroup } from '../../scripts/sandbox/processes';

const FIXTURE = path.join(__dirname, 'fixtures', 'stopOnRequest.ts');

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

describe('stopGroup', () => {
	it("ends a child's whole process group, also what the child started", async () => {
		const child = spawn('bash', ['-c', 'sleep 300 & sleep 300 & wait'], {
			detached: true,
			stdio: 'ignore',
		});
		await until(() => descendants(child.pid!).length === 2, 'two sleeping grandchildren');
		const family = [child.pid!, ...descendants(child.pid!)];
		await stopGroup(child, 2_000);
		await until(() => family.every((pid) => !alive(pid)), 'the whole group to end');
	});
});

describe('onStopRequest', () => {
	/** Starts the fixture under a shell that stays (its parent); resolves with the pids it printed. */
	function startFixture(shell: string) {
		const parent = spawn('bash', ['-c', shell], {
			cwd: REPO_ROOT,
			stdio: ['ignore', 'pipe', 'inherit'],
			env: { ...process.env, FIXTURE },
		});
		let output = '';
		parent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		return {
			parent,
			output: () => output,
			pids: async () => {
				await until(() => /started \d+ \d+/.test(output), 'the fixture to start', 20_000);
				const [, fixture, child] = /started (\d+) (\d+)/.exec(output)!.map(Number);
				return { fixture, child, grandchildren: descendants(child) };
			},
		};
	}

	it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
		'%s to it stops its children',
		async (signal) => {
			const run = startFixture('exec bash scripts/run-ts.sh "$FIXTURE"');
			const { fixture, child, grandchildren } = await run.pids();
			process.kill(fixture, signal);
			await until(
				() => [fixture, child, ...grandchildren].every((pid) => !alive(pid)),
				'the fixture and its children to end',
			);
			expect(run.output()).toContain(`stop: ${signal} received`);
		},
		30_000,
	);

	it('its parent ending (npm killed by SIGHUP passes nothing on) stops its children', async () => {
		// The shell starts the fixture in the background and waits until told to end.
		const run = startFixture('bash scripts/run-ts.sh "$FIXTURE" & wait');
		const { fixture, child, grandchildren } = await run.pids();
		run.parent.kill('SIGKILL');
		await until(
			() => [fixture, child, ...grandchildren].every((pid) => !alive(pid)),
			'the orphaned fixture and its children to end',
		);
		expect(run.output()).toMatch(/stop: the parent process \(\d+\) ended/);
	}, 30_000);
});
