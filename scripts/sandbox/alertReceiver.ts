/**
 * Where example 2 (event-triggered alert) posts its alerts in the sandbox: a small HTTP server in
 * the `npm start` process that prints each alert in the terminal, so the example shows what it
 * does without a service of the user's own. Against a real tenant, `alertUrl` points at the
 * operator's alerting (a chat webhook, a ticket system).
 */
import http from 'node:http';

export const ALERT_PATH = '/invers-alert';
/** The port example 2's file names (`http://127.0.0.1:8999/invers-alert`). */
export const DEFAULT_ALERT_PORT = 8999;

/** The URL example 2 posts to when the receiver listens on `port`. */
export function alertUrl(port: number): string {
	return `http://127.0.0.1:${port}${ALERT_PATH}`;
}

function shown(value: unknown): string {
	if (value === null || value === undefined) return '-';
	if (typeof value === 'object' && 'lat' in value && 'lon' in value) {
		const { lat, lon } = value as { lat: unknown; lon: unknown };
		return `${Number(lat).toFixed(5)},${Number(lon).toFixed(5)}`;
	}
	return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * One line per post: alert or all clear, the time, the condition, the vehicle, and the value that
 * crossed the line with the one before it. Example 2 sends `kind`, `condition`, `vehicle_id`,
 * `previous_value`, `current_value`; anything else that comes is printed as it came.
 */
export function formatAlert(body: unknown, at = new Date()): string {
	const time = at.toISOString().slice(11, 19);
	if (!body || typeof body !== 'object' || !('kind' in body)) {
		return `[alert ${time}] ${typeof body === 'string' ? body : JSON.stringify(body)}`;
	}
	const alert = body as Record<string, unknown>;
	const kind = alert.kind === 'cleared' ? 'all clear' : String(alert.kind);
	const before =
		alert.previous_value === null || alert.previous_value === undefined
			? 'first report'
			: `was ${shown(alert.previous_value)}`;
	return `[${kind} ${time}] ${shown(alert.condition)}: vehicle ${shown(alert.vehicle_id)} at ${shown(alert.current_value)} (${before})`;
}

export interface AlertReceiver {
	url: string;
	close(): Promise<void>;
}

/** Listens on 127.0.0.1:`port`; every POST to ALERT_PATH is answered 200 and printed. */
export async function startAlertReceiver(
	port: number,
	print: (line: string) => void,
): Promise<AlertReceiver> {
	const server = http.createServer((request, response) => {
		if (request.method !== 'POST' || request.url !== ALERT_PATH) {
			response.writeHead(404, { 'content-type': 'text/plain' });
			response.end(`POST alerts to ${ALERT_PATH}\n`);
			return;
		}
		let text = '';
		request.setEncoding('utf8');
		request.on('data', (chunk: string) => {
			// An alert is a few hundred bytes; more is not an alert.
			if (text.length < 100_000) text += chunk;
		});
		request.on('end', () => {
			let body: unknown = text;
			try {
				body = JSON.parse(text);
			} catch {
				// Printed as text.
			}
			print(formatAlert(body));
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end('{"received":true}');
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});
	return {
		url: alertUrl(port),
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
