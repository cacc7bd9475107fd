/**
 * Runs `task` for each index in order, at most `concurrency` at once. Once `stopped()` turns true
 * no further task starts; those already running finish. Resolves when all started tasks ended;
 * a task's rejection is the task's business (tasks catch their own errors).
 */
export async function runBounded(
	indices: readonly number[],
	concurrency: number,
	task: (index: number) => Promise<void>,
	stopped: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < indices.length && !stopped()) {
			await task(indices[next++]);
		}
	};
	const workers = Math.max(1, Math.min(concurrency, indices.length));
	await Promise.all(Array.from({ length: workers }, worker));
}
