/**
 * The sandbox's receiver of example 2's alerts: every POST is answered and printed as one line
 * that says what crossed which line for which vehicle.
 */
import { ALERT_PATH, formatAlert, startAlertReceiver } from '../../scripts/sandbox/alertReceiver';
import { freePort } from '../../scripts/sandbox/ports';

const AT = new Date('2026-12-06T07:33:56.000Z');

describe('formatAlert', () => {
	it('says alert or all clear, the condition, the vehicle, the value and the one before', () => {
		expect(
			formatAlert(
				{
					kind: 'alert',
					condition: 'low_charge',
					vehicle_id: 'VR0ZZ',
					previous_value: 24,
					current_value: 15,
				},
				AT,
			),
		).toBe('[alert 07:33:56] low_charge: vehicle VR0ZZ at 15 (was 24)');
		expect(
			formatAlert(
				{
					kind: 'cleared',
					condition: 'outside_area',
					vehicle_id: 'VR0ZZ',
					previous_value: { lat: 48.137, lon: 11.575 },
					current_value: { lat: 52.52, lon: 13.4 },
				},
				AT,
			),
		).toBe(
			'[all clear 07:33:56] outside_area: vehicle VR0ZZ at 52.52000,13.40000 (was 48.13700,11.57500)',
		);
		expect(
			formatAlert(
				{ kind: 'alert', condition: 'low_charge', vehicle_id: 'A1', current_value: 8 },
				AT,
			),
		).toBe('[alert 07:33:56] low_charge: vehicle A1 at 8 (first report)');
		expect(formatAlert('not json', AT)).toBe('[alert 07:33:56] not json');
	});
});

describe('startAlertReceiver', () => {
	it('answers each POST to the alert path with 200 and prints it; anything else is a 404', async () => {
		const lines: string[] = [];
		const receiver = await startAlertReceiver(await freePort(), (line) => lines.push(line));
		try {
			const posted = await fetch(receiver.url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					kind: 'alert',
					condition: 'low_charge',
					vehicle_id: 'VR0ZZ',
					previous_value: 60,
					current_value: 15,
				}),
			});
			expect(posted.status).toBe(200);
			expect(receiver.url.endsWith(ALERT_PATH)).toBe(true);
			const elsewhere = await fetch(receiver.url.replace(ALERT_PATH, '/other'), { method: 'POST' });
			expect(elsewhere.status).toBe(404);
			expect(lines).toHaveLength(1);
			expect(lines[0]).toMatch(
				/^\[alert \d\d:\d\d:\d\d\] low_charge: vehicle VR0ZZ at 15 \(was 60\)$/,
			);
		} finally {
			await receiver.close();
		}
	});

	it('fails when its port is taken', async () => {
		const port = await freePort();
		const first = await startAlertReceiver(port, () => undefined);
		try {
			await expect(startAlertReceiver(port, () => undefined)).rejects.toThrow(/EADDRINUSE/);
		} finally {
			await first.close();
		}
	});
});
