/**
 * Once per e2e run: checks that the pinned n8n is installed (`npm start` installs it into the cache
 * folder) and packs and installs the package once; each suite copies that into its user folder.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

import { ensureN8nInstalled } from '../../scripts/sandbox/install';
import { installPackage } from '../../scripts/sandbox/n8nInstance';
import { REPO_ROOT } from '../../scripts/sandbox/paths';
import { PACKAGE_TEMPLATE } from './constants';

export default async function globalSetup(): Promise<void> {
	if (!existsSync(path.join(REPO_ROOT, 'dist', 'nodes'))) {
		throw new Error('dist/ is missing: run `npm run build` first (npm run test:e2e does).');
	}
	// Installs n8n into the cache folder if it is not there yet (minutes, once per machine).
	await ensureN8nInstalled();
	rmSync(PACKAGE_TEMPLATE, { recursive: true, force: true });
	await installPackage(PACKAGE_TEMPLATE);
}
