/**
 * The sandbox's fleet id, part of its queue names (`fleet-<id>.vehicle-states`, …) and of its
 * exchange: two sandboxes on one RabbitMQ (two users, two cache folders) never share queues or
 * take each other's events. Generated on the first start and kept in the user folder, so the
 * queues the imported examples consume stay the same across restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const FLEET_ID_FILE = 'fleet-id';
const FLEET_ID = /^sandbox-[0-9a-f]{6}$/;

/** The sandbox's fleet id; `created` when this start generated it (a new or older sandbox). */
export function sandboxFleetId(userFolder: string): { fleetId: string; created: boolean } {
	const file = path.join(userFolder, FLEET_ID_FILE);
	if (existsSync(file)) {
		const stored = readFileSync(file, 'utf8').trim();
		if (FLEET_ID.test(stored)) return { fleetId: stored, created: false };
	}
	const fleetId = `sandbox-${randomBytes(3).toString('hex')}`;
	writeFileSync(file, `${fleetId}\n`);
	return { fleetId, created: true };
}
