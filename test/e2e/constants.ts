import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

/**
 * Filled once per run by globalSetup: the packed package with its runtime dependencies. One per
 * checkout, so e2e runs of two clones on one machine never install over each other's package.
 */
export const PACKAGE_TEMPLATE = path.join(
	os.tmpdir(),
	`invers-e2e-package-template-${createHash('sha256')
		.update(path.resolve(__dirname, '..', '..'))
		.digest('hex')
		.slice(0, 8)}`,
);

/** Every user folder and workflow folder of one run (the jest process), removed by globalTeardown. */
export const RUN_DIR = path.join(os.tmpdir(), 'invers-e2e-runs', String(process.pid));
