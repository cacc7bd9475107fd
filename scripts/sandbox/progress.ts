/**
 * A heartbeat for the sandbox's long, silent phases (npm's extract step, `npm rebuild sqlite3`,
 * n8n's first start with its database migrations): without output they look like a hang. Every
 * ~10 s it prints the phase, the elapsed time, what it usually takes and whatever shows progress
 * (a folder's size on disk, packages downloaded, n8n's last log line).
 */
import { execFile } from 'node:child_process';

export interface HeartbeatOptions {
	/** What the phase usually takes, e.g. "about 4 minutes". */
	usually: string;
	/** A folder whose size on disk grows while the phase runs (du -sm). */
	folder?: string;
	/** Further progress, e.g. "812 packages downloaded". */
	detail?: () => string | undefined;
	everyMs?: number;
}

export function formatElapsed(ms: number): string {
	const seconds = Math.round(ms / 1000);
	const minutes = Math.floor(seconds / 60);
	return minutes > 0 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** Size of a folder in MB, or undefined when du fails or takes too long (then it is skipped). */
function folderSizeMb(folder: string): Promise<number | undefined> {
	return new Promise((resolve) => {
		execFile('du', ['-sm', folder], { timeout: 8_000 }, (_error, stdout) => {
			const mb = Number.parseInt(stdout ?? '', 10);
			resolve(Number.isFinite(mb) ? mb : undefined);
		});
	});
}

/** Starts printing `label` progress lines; returns the function that stops them. */
export function startHeartbeat(label: string, options: HeartbeatOptions): () => void {
	const started = Date.now();
	let sizeMb: number | undefined;
	let measuring = false;
	const measure = () => {
		if (!options.folder || measuring) return;
		measuring = true;
		void folderSizeMb(options.folder).then((mb) => {
			measuring = false;
			if (mb !== undefined) sizeMb = mb;
		});
	};
	measure();
	const timer = setInterval(() => {
		const parts = [`${formatElapsed(Date.now() - started)} elapsed`];
		if (sizeMb !== undefined) parts.push(`${sizeMb} MB on disk`);
		const detail = options.detail?.();
		if (detail) parts.push(detail);
		parts.push(`usually ${options.usually}`);
		process.stdout.write(`  [${label}] still working: ${parts.join(', ')}\n`);
		measure();
	}, options.everyMs ?? 10_000);
	timer.unref();
	return () => clearInterval(timer);
}

/** Runs `work` with a heartbeat that stops when it settles. */
export async function withHeartbeat<T>(
	label: string,
	options: HeartbeatOptions,
	work: () => Promise<T>,
): Promise<T> {
	const stop = startHeartbeat(label, options);
	try {
		return await work();
	} finally {
		stop();
	}
}
