import os from 'node:os';
import path from 'node:path';

/** Filled once per run by globalSetup: the packed package with its runtime dependencies. */
export const PACKAGE_TEMPLATE = path.join(os.tmpdir(), 'invers-e2e-package-template');
