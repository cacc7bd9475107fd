/**
 * Where the time of one Get Many page goes, through the node versus a plain loop:
 *
 *   npm run bench:timeline -- [--fleet 20000] [--warmups 4]
 *
 * Both page through the same in-process simulator fleet; the plain loop uses node:http without an
 * agent, so it opens a new connection per page exactly like n8n's request helper does. Node's
 * diagnostics channel marks each request's start, when it was sent, its response headers and the
 * end of its body; the averages per request show which phase the node's extra time is in:
 * waiting for the answer (sent → headers) or work in the process between one answer and the
 * next request (end → next start: response handling, parsing, building the next request).
 * Run each side in its own process, warm, one pass measured.
 */
import { execFile } from 'node:child_process';
import dc from 'node:diagnostics_channel';
import http from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

import { startSimulator } from '../simulator';
import { freshConnectionPage, plainLoop, throughNode } from './getManyPasses';

function argument(name: string, fallback: string): string {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 ? process.argv[index + 1] : fallback;
}

interface Marks {
	start: number;
	sent?: number;
	headers?: number;
	end?: number;
}

function recordRequests(): Marks[] {
	const requests: Marks[] = [];
	dc.subscribe('http.client.request.start', (message) => {
		const { request } = message as { request: http.ClientRequest };
		const marks: Marks = { start: performance.now() };
		requests.push(marks);
		request.once('finish', () => (marks.sent = performance.now()));
		request.once('response', (response: http.IncomingMessage) => {
			marks.headers = performance.now();
			// In front of the reader's own listener: parsing counts as work between requests.
			response.prependOnceListener('end', () => (marks.end = performance.now()));
		});
	});
	return requests;
}

/** One side, in this (child) process: warm-up passes, then one recorded pass. */
async function side(mode: string, baseUrl: string, warmups: number): Promise<void> {
	const run =
		mode === 'node' ? () => throughNode(baseUrl) : () => plainLoop(baseUrl, freshConnectionPage);
	for (let pass = 0; pass < warmups; pass++) await run();
	const requests = recordRequests();
	const started = performance.now();
	await run();
	const total = performance.now() - started;
	const pages = requests.filter((marks) => marks.end !== undefined);
	const average = (phase: (marks: Marks, index: number) => number | undefined) => {
		const values = pages.map(phase).filter((value): value is number => value !== undefined);
		return (values.reduce((sum, value) => sum + value, 0) / values.length).toFixed(2);
	};
	console.log(
		[
			mode.padEnd(6),
			total.toFixed(0).padStart(8),
			String(pages.length).padStart(8),
			average((m) => m.sent! - m.start).padStart(13),
			average((m) => m.headers! - m.sent!).padStart(15),
			average((m) => m.end! - m.headers!).padStart(13),
			average((m, i) => (pages[i + 1] ? pages[i + 1].start - m.end! : undefined)).padStart(19),
		].join(' | '),
	);
}

async function main() {
	const [childMode, childUrl, childWarmups] = process.argv.slice(2);
	if (childMode === 'node' || childMode === 'plain') {
		await side(childMode, childUrl, Number(childWarmups));
		return;
	}
	const fleetSize = Number(argument('fleet', '20000'));
	const warmups = argument('warmups', '4');
	const sim = await startSimulator({ fleetSize, port: 0 });
	try {
		console.log(`fleet ${fleetSize}, ${warmups} warm-up passes, ms per request on average`);
		console.log(
			'side   | total ms | requests | start → sent | sent → headers | headers → end | end → next start',
		);
		for (const mode of ['node', 'plain', 'node', 'plain']) {
			// Asynchronous: the simulator lives in this process and must keep answering meanwhile.
			const { stdout } = await promisify(execFile)(
				process.execPath,
				[
					'-r',
					'ts-node/register',
					path.join(__dirname, 'requestTimeline.ts'),
					mode,
					sim.url,
					warmups,
				],
				{
					encoding: 'utf8',
					env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PREFER_TS_EXTS: 'true' },
				},
			);
			process.stdout.write(stdout);
		}
	} finally {
		await sim.close();
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
