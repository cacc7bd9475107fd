/**
 * The secret that protects example 4's webhook ("unlock and enable driving" on a booking): an
 * n8n Header Auth credential the example's Webhook node refers to. Without the header n8n answers
 * 403 and the workflow does not run. The sandbox generates the secret once and keeps it in its
 * user folder (a restart keeps the secret a booking system was given); the banner and the e2e
 * tests take the header, the credential and the curl line from here.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const WEBHOOK_AUTH_CREDENTIAL_ID = 'inversWebhook001';
export const WEBHOOK_AUTH_CREDENTIAL_NAME = 'Unlock webhook secret (example 4)';
/** The header a caller of example 4 sends the secret in. */
export const WEBHOOK_AUTH_HEADER = 'X-Webhook-Secret';
/** Example 4's webhook path (POST). */
export const UNLOCK_WEBHOOK_PATH = 'invers-unlock';

const SECRET_FILE = 'webhook-secret';

/** 32 random bytes, URL-safe: fits a header as it is. */
export function generateWebhookSecret(): string {
	return randomBytes(32).toString('base64url');
}

/** The sandbox's secret: read from its user folder, generated there on the first start. */
export function sandboxWebhookSecret(userFolder: string): string {
	const file = path.join(userFolder, SECRET_FILE);
	if (existsSync(file)) {
		const stored = readFileSync(file, 'utf8').trim();
		if (stored.length >= 32) return stored;
	}
	const secret = generateWebhookSecret();
	writeFileSync(file, `${secret}\n`, { mode: 0o600 });
	return secret;
}

/** The Header Auth credential for `n8n import:credentials`. */
export function webhookAuthCredential(secret: string) {
	return {
		id: WEBHOOK_AUTH_CREDENTIAL_ID,
		name: WEBHOOK_AUTH_CREDENTIAL_NAME,
		type: 'httpHeaderAuth',
		data: { name: WEBHOOK_AUTH_HEADER, value: secret },
	};
}

/** Headers a caller of example 4 sends. */
export function unlockWebhookHeaders(secret: string): Record<string, string> {
	return { 'content-type': 'application/json', [WEBHOOK_AUTH_HEADER]: secret };
}

/** A ready curl line for example 4 (once the workflow is published). */
export function unlockExampleCurl(
	n8nUrl: string,
	secret: string,
	vehicleId = '<a car id>',
): string {
	const headers = Object.entries(unlockWebhookHeaders(secret))
		.map(([name, value]) => `-H '${name}: ${value}'`)
		.join(' ');
	return `curl -X POST ${n8nUrl}/webhook/${UNLOCK_WEBHOOK_PATH} ${headers} -d '{"vehicle_id":"${vehicleId}"}'`;
}
