/**
 * The fleet state mirror in a real, running n8n (the pinned version, the package installed as a
 * community package) under the event stream of a large fleet:
 *
 *   npm run bench:mirror -- [--fleet 5000] [--rates 10,25,50,100,250,500,1000,2000,4000]
 *     [--step-seconds 15] [--max-lag 15]
 *     [--contenders per-event,batched-upsert,batched,postgres|none]
 *     [--queue-mode batched,postgres|none]
 *     [--state-version 2] [--change-share 0.15] [--late-share 0.03] [--seed 7]
 *
 * Contenders (bench/mirror/contenders.ts): `per-event`, example 6 as it shipped before batches;
 * `batched-upsert`, example 6 writing one Data Table upsert per changed vehicle; `batched`,
 * example 6; `postgres`, example 8.
 *
 * For each contender (a mirror workflow) in a fresh copy of n8n: VehicleStateRecorded and
 * VehicleChanged events of the fleet (whole states and whole vehicles, a share of them late: older
 * than one already published) published at rising rates, a step per rate. Meanwhile the mirror's
 * queues are sampled with `checkQueue` from a connection of their own, and a marker vehicle shows
 * how far the mirror's rows lag behind (bench/mirror/marker.ts). A step is kept up with when the
 * queue ends it with at most 2 s of events (or one batch) ready, the rows show the step's last
 * event within --max-lag seconds, and their lag did not grow over the step (by more than 2.5 s);
 * the first step that is not ends the stepping. Then the queues drain and every vehicle's row is compared with the newest
 * state and vehicle published for it. n8n's CPU and peak RSS are read from /proc (its main process,
 * task runner and, in queue mode, the worker). Queue mode (one main, one worker, PostgreSQL, Redis)
 * runs the contenders of `--queue-mode` after the regular ones.
 */
import { ensureN8nInstalled } from '../scripts/sandbox/install';
import { MIRROR_TOPICS, createAmqpPublisher } from '../simulator/amqpPublisher';
import { sandboxCredential } from '../scripts/sandbox/credential';
import { sandboxPostgresCredential } from '../scripts/sandbox/postgresCredential';
import type { Contender, Workflow } from './mirror/contenders';
import { ROWS_DATABASE, contenderNamed } from './mirror/contenders';
import type { Mismatch } from './mirror/fleet';
import { MirrorFleet, compareRows } from './mirror/fleet';
import { MarkerProbe, isMarker } from './mirror/marker';
import type { Mode, Template } from './mirror/instance';
import { prepareTemplate, removeTemplate, startCopy } from './mirror/instance';
import type { StepResult } from './mirror/steps';
import { AMQP_URL, createDatabase, deleteQueues, dropDatabase } from '../test/e2e/services';
import {
	ALLOWED_LAG_GROWTH_SECONDS,
	QueueDepth,
	allowedBacklog,
	drained,
	runStep,
} from './mirror/steps';

function flag(name: string): string | undefined {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 ? process.argv[index + 1] : undefined;
}

function numberFlag(name: string, fallback: number, minimum: number, maximum = Infinity): number {
	const text = flag(name);
	const value = text === undefined ? fallback : Number(text);
	if (!Number.isFinite(value) || value < minimum || value > maximum) {
		throw new Error(`--${name} must be a number from ${minimum} to ${maximum}, got "${text}"`);
	}
	return value;
}

function listFlag(name: string, fallback: string): string[] {
	return (flag(name) ?? fallback)
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean);
}

const FLEET = numberFlag('fleet', 5_000, 1);
const RATES = listFlag('rates', '10,25,50,100,250,500,1000,2000,4000').map((text) => {
	const rate = Number(text);
	if (!Number.isFinite(rate) || rate <= 0) throw new Error(`--rates: "${text}" is not a rate`);
	return rate;
});
const STEP_SECONDS = numberFlag('step-seconds', 15, 2);
const STATE_VERSION = numberFlag('state-version', 2, 1);
const CHANGE_SHARE = numberFlag('change-share', 0.15, 0, 1);
const LATE_SHARE = numberFlag('late-share', 0.03, 0, 1);
const SEED = numberFlag('seed', 7, 0);
const MAX_LAG = numberFlag('max-lag', 15, 1);
const CONTENDERS = listFlag('contenders', 'per-event,batched-upsert,batched,postgres')
	.filter((name) => name !== 'none')
	.map(contenderNamed);
const QUEUE_CONTENDERS = listFlag('queue-mode', 'batched,postgres')
	.filter((name) => name !== 'none')
	.map(contenderNamed);
/** How long the rows may take to show the last events once the queues are empty. */
const SETTLE_MS = 90_000;

interface PhaseResult {
	mode: Mode;
	contender: Contender;
	steps: StepResult[];
	/** The highest rate kept up with (0: not even the first). */
	sustained: number;
	idleRss: number;
	peakRss: number;
	cpuSeconds: number;
	published: number;
	seconds: number;
	drainedAfterSeconds?: number;
	rowsChecked: number;
	/** Events the mirror gave up on (failed twice): in the dead-letter queues. */
	deadLettered: number;
	mismatches: Mismatch[];
	duplicates: string[];
	unexpected: string[];
	error?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What to undo when the run is interrupted (Ctrl+C): n8n's processes, databases, queues. */
const pendingCleanups = new Set<() => Promise<void>>();

/** Registers a cleanup for an interruption; the returned function forgets it. */
function onInterrupt(cleanup: () => Promise<void>): () => void {
	pendingCleanups.add(cleanup);
	return () => pendingCleanups.delete(cleanup);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		console.log(`\n${signal}: stopping n8n, removing the bench's databases and queues …`);
		void (async () => {
			for (const cleanup of [...pendingCleanups].reverse()) {
				await cleanup().catch(() => undefined);
			}
			process.exit(130);
		})();
	});
}
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

function fleetIdOf(contender: Contender): string {
	return `bench-mirror-${process.pid}-${contender.name}`;
}

/** Whether the mirror's trigger consumes each of its queues. */
async function consumersOn(queues: string[]): Promise<boolean> {
	const { connect } = await import('amqplib');
	const connection = await connect(AMQP_URL);
	try {
		const channel = await connection.createChannel();
		for (const queue of queues) {
			if ((await channel.checkQueue(queue)).consumerCount === 0) return false;
		}
		return true;
	} finally {
		await connection.close().catch(() => undefined);
	}
}

/** Max Events of the workflow's trigger when it starts In Batches; 0 when it starts per event. */
function batchEventsOf(workflow: Workflow): number {
	const trigger = workflow.nodes.find((node) => node.type.endsWith('.inversTrigger'));
	if (trigger?.parameters.startOn !== 'batch') return 0;
	return Number(trigger.parameters.batchMaxEvents ?? 500);
}

async function runPhase(
	mode: Mode,
	template: Template,
	contender: Contender,
): Promise<PhaseResult> {
	const fleetId = fleetIdOf(contender);
	const workflow = contender.workflow(fleetId);
	const batchEvents = batchEventsOf(workflow);
	const fleet = new MirrorFleet({
		size: FLEET,
		seed: SEED,
		stateVersion: STATE_VERSION,
		changeShare: CHANGE_SHARE,
		lateShare: LATE_SHARE,
	});
	const result: PhaseResult = {
		mode,
		contender,
		steps: [],
		sustained: 0,
		idleRss: 0,
		peakRss: 0,
		cpuSeconds: 0,
		published: 0,
		seconds: 0,
		rowsChecked: 0,
		deadLettered: 0,
		mismatches: [],
		duplicates: [],
		unexpected: [],
	};
	console.log(`\n## ${contender.name}, ${mode} mode: ${contender.label}`);
	const publisher = await createAmqpPublisher({
		url: AMQP_URL,
		exchange: `invers.events.${fleetId}`,
		fleetId,
		topics: MIRROR_TOPICS,
	});
	const queues = Object.values(publisher.queues);
	const depth = await QueueDepth.open(AMQP_URL, queues);
	const n8n = await startCopy(template, `${contender.name}-${mode}`, [workflow.id]);
	const forget = onInterrupt(async () => {
		await n8n.stop();
		await depth.close();
		await deleteQueues(publisher);
	});
	let probe: MarkerProbe | undefined;
	try {
		const store = await contender.prepare(n8n);
		probe = new MarkerProbe(
			(envelope) => publisher.publish(envelope),
			() => store.marker(),
		);
		const started = Date.now();
		while (!(await consumersOn(queues))) {
			if (Date.now() - started > 60_000) {
				throw new Error(
					`the mirror did not consume its queues within 60 s:\n${n8n.log().slice(-3000)}`,
				);
			}
			await sleep(500);
		}
		// The first marker shows the mirror runs end to end before anything is measured.
		probe.start();
		const first = await probe.send();
		if ((await probe.waitFor(first, 60_000)) === undefined) {
			throw new Error(`the mirror did not write within 60 s:\n${n8n.log()}`);
		}
		n8n.monitor.start();
		result.idleRss = n8n.monitor.rss();
		const phaseStarted = Date.now();
		for (const rate of RATES) {
			const step = await runStep({
				rate,
				seconds: STEP_SECONDS,
				next: (now) => fleet.next(now),
				publish: (envelope) => publisher.publish(envelope),
				depth,
				monitor: n8n.monitor,
				probe,
				maxLagSeconds: MAX_LAG,
				batchEvents,
			});
			result.steps.push(step);
			console.log(
				`  ${String(rate).padStart(5)}/s for ${step.seconds.toFixed(0)} s: ${step.taken.toFixed(0)}/s taken off the queue, ` +
					`ready at the end ${step.endBacklog.toFixed(0)} (max ${step.maxBacklog}, allowed ${allowedBacklog(rate, batchEvents)}), ` +
					`growth ${step.growth.toFixed(1)}/s, ` +
					`mirror ${Number.isFinite(step.lag) ? `${step.lag.toFixed(1)} s` : 'over 2 min'} behind at the end (allowed ${MAX_LAG}), ` +
					`lag grew ${step.lagGrowth.toFixed(1)} s (allowed ${ALLOWED_LAG_GROWTH_SECONDS}), ` +
					`n8n CPU ${(step.cpuSeconds / step.seconds).toFixed(2)} cores: ` +
					`${step.sustained ? 'kept up' : 'fell behind'}${step.stoppedEarly ? ' (step stopped early)' : ''}`,
			);
			if (!step.sustained) break;
			result.sustained = rate;
			if (!(await drained(depth, 60_000))) break;
		}
		result.published = fleet.counts.state + fleet.counts.change;
		// What is left is taken at the rate the mirror managed; give it twice that long.
		const lastTaken = Math.max(1, result.steps.at(-1)?.taken ?? 1);
		const backlog = await depth.ready();
		const drainStarted = Date.now();
		if (await drained(depth, Math.max(60_000, (2_000 * backlog) / lastTaken))) {
			result.drainedAfterSeconds = (Date.now() - drainStarted) / 1000;
		}
		// The last batches are still being written when the queue is empty: wait for the rows.
		const expected = fleet.expectedRows();
		result.rowsChecked = expected.size;
		const settleStarted = Date.now();
		for (;;) {
			const rows = (await store.rows()).filter((row) => !isMarker(row.vehicle_id));
			const comparison = compareRows(expected, rows);
			Object.assign(result, comparison);
			const clean =
				!comparison.mismatches.length &&
				!comparison.duplicates.length &&
				!comparison.unexpected.length;
			if (clean || Date.now() - settleStarted > SETTLE_MS) break;
			await sleep(3_000);
		}
		const deadLetters = await QueueDepth.open(AMQP_URL, Object.values(publisher.deadLetterQueues));
		result.deadLettered = await deadLetters.ready();
		await deadLetters.close();
		result.seconds = (Date.now() - phaseStarted) / 1000;
		result.cpuSeconds = n8n.monitor.cpuSeconds();
		n8n.monitor.stop();
		result.peakRss = n8n.monitor.peakRss;
		console.log(
			`  rows: ${result.rowsChecked} vehicles checked, ${result.mismatches.length} mismatches, ` +
				`${result.duplicates.length} duplicate rows, ${result.unexpected.length} unexpected rows, ` +
				`${result.deadLettered} events dead-lettered ` +
				`(events: ${fleet.counts.state} state, ${fleet.counts.change} change, ${fleet.counts.late} late)`,
		);
		for (const mismatch of result.mismatches.slice(0, 10)) {
			console.log(`    ${mismatch.vehicle_id}: ${JSON.stringify(mismatch.columns)}`);
		}
		if (result.mismatches.length || result.deadLettered) {
			console.log(`  n8n's log ends:\n${n8n.log().slice(-3000)}`);
		}
	} catch (error) {
		result.error = error instanceof Error ? error.message : String(error);
		console.log(`  failed: ${result.error}`);
	} finally {
		forget();
		await probe?.stop();
		n8n.monitor.stop();
		await n8n.stop();
		await depth.close();
		await deleteQueues(publisher);
		await publisher.close();
	}
	return result;
}

/**
 * What the mirror writes per second at most, from the first step it fell behind: that step's events
 * over the time until its rows showed the last of them, less the lag it had while keeping up (the
 * batch it waits for). The queue's take-off rate cannot tell: a batching trigger takes up to
 * Max Events × (Parallel Batches + 1) events ahead of what it wrote.
 */
function ceiling(result: PhaseResult): string {
	const index = result.steps.findIndex((step) => !step.sustained);
	if (index < 0) return result.sustained ? `≥${result.sustained}/s` : '-';
	const failed = result.steps[index];
	if (!Number.isFinite(failed.lag)) {
		return `<${(failed.published / (failed.seconds + 120)).toFixed(0)}/s`;
	}
	const keptUpLag = index > 0 ? result.steps[index - 1].lag : 0;
	const seconds = Math.max(failed.seconds, failed.seconds + failed.lag - keptUpLag);
	return `${(failed.published / seconds).toFixed(0)}/s`;
}

/** How far behind the mirror was at the end of the highest step it kept up with. */
function lagThen(result: PhaseResult): string {
	const step = result.steps.find((candidate) => candidate.rate === result.sustained);
	return step ? `${step.lag.toFixed(1)} s` : '-';
}

function printSummary(results: PhaseResult[], totalSeconds: number): void {
	console.log(
		`\n## Fleet state mirror in n8n 2.41.1: ${FLEET} vehicles, state events version ${STATE_VERSION}, ` +
			`${Math.round(CHANGE_SHARE * 100)} % VehicleChanged, ${Math.round(LATE_SHARE * 100)} % late; steps of ${STEP_SECONDS} s at ${RATES.join(', ')} events/s\n`,
	);
	const header = [
		'contender'.padEnd(14),
		'mode'.padEnd(8),
		'kept up with'.padStart(13),
		'lag then'.padStart(9),
		'ceiling'.padStart(9),
		'n8n CPU/event'.padStart(14),
		'n8n CPU'.padStart(9),
		'idle RSS'.padStart(9),
		'peak RSS'.padStart(9),
		'rows wrong'.padStart(11),
	];
	console.log(header.join(' '));
	for (const result of results) {
		const cpuMs = result.published ? (result.cpuSeconds * 1000) / result.published : 0;
		const wrong = result.error
			? 'error'
			: `${result.mismatches.length + result.duplicates.length + result.unexpected.length}/${result.rowsChecked}` +
				(result.deadLettered ? ` (${result.deadLettered} DL)` : '');
		console.log(
			[
				result.contender.name.padEnd(14),
				result.mode.padEnd(8),
				`${result.sustained}/s`.padStart(13),
				lagThen(result).padStart(9),
				ceiling(result).padStart(9),
				`${cpuMs.toFixed(2)} ms`.padStart(14),
				`${result.cpuSeconds.toFixed(0)} s`.padStart(9),
				mb(result.idleRss).padStart(9),
				mb(result.peakRss).padStart(9),
				wrong.padStart(11),
			].join(' '),
		);
	}
	console.log(
		`\nkept up with: the highest rate whose step ended with at most 2 s of events (or one batch) ready in the queue, the mirror's rows at most ${MAX_LAG} s behind (--max-lag), their lag not growing over the step;` +
			' lag then: how far behind the rows were at the end of that step;' +
			' ceiling: at the first step it fell behind, the events of the step over the time until the rows showed its last one, less the lag it had when keeping up (≥: it never fell behind);' +
			' CPU: n8n main process, task runner and (queue mode) worker, over all steps, the drain and the check.',
	);
	console.log(`total run time: ${(totalSeconds / 60).toFixed(1)} min`);
}

async function main() {
	const runStarted = Date.now();
	await ensureN8nInstalled();
	const phases: Array<{ mode: Mode; contender: Contender }> = [
		...CONTENDERS.map((contender) => ({ mode: 'regular' as Mode, contender })),
		...QUEUE_CONTENDERS.map((contender) => ({ mode: 'queue' as Mode, contender })),
	];
	const credentials = [
		sandboxCredential('http://127.0.0.1:9'),
		sandboxPostgresCredential(ROWS_DATABASE),
	];
	const templates = new Map<Mode, Template>();
	const results: PhaseResult[] = [];
	await createDatabase(ROWS_DATABASE);
	onInterrupt(() => dropDatabase(ROWS_DATABASE));
	try {
		for (const mode of new Set(phases.map((phase) => phase.mode))) {
			const workflows = [
				...new Set(phases.filter((phase) => phase.mode === mode).map((p) => p.contender)),
			].map((contender) => contender.workflow(fleetIdOf(contender)));
			console.log(`Preparing n8n (${mode} mode) with ${workflows.length} workflow(s) …`);
			const template = await prepareTemplate(mode, credentials, workflows);
			templates.set(mode, template);
			onInterrupt(() => removeTemplate(template));
		}
		for (const phase of phases) {
			results.push(await runPhase(phase.mode, templates.get(phase.mode)!, phase.contender));
		}
	} finally {
		for (const template of templates.values()) await removeTemplate(template);
		await dropDatabase(ROWS_DATABASE);
	}
	printSummary(results, (Date.now() - runStarted) / 1000);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
