/** Removes the run's user folders (n8n databases, copies of the package) and workflow files. */
import { rmSync } from 'node:fs';

import { RUN_DIR } from './constants';

export default async function globalTeardown(): Promise<void> {
	rmSync(RUN_DIR, { recursive: true, force: true });
}
