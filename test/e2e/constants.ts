import os from 'node:os';
import path from 'node:path';

/** Filled once per run by globalSetup: the packed package with its runtime dependencies. */
export const PACKAGE_TEMPLATE = path.join(os.tmpdir(), 'invers-e2e-package-template');

/** Every user folder and workflow folder of one run (the jest process), removed by globalTeardown. */
export const RUN_DIR = path.join(os.tmpdir(), 'invers-e2e-runs', String(process.pid));
