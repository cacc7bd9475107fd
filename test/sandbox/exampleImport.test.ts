/**
 * What `npm start` imports on a restart: only the examples n8n does not have yet, so a user's
 * changed or published example survives; and the queue names follow the sandbox's fleet id.
 */
import {
	forFleet,
	parseWorkflowIds,
	readExamples,
	selectExamplesToImport,
} from '../../scripts/sandbox/examples';

const examples = [
	{ id: 'inversExample001', name: 'INVERS example: Nightly maintenance sweep' },
	{ id: 'inversExample002', name: 'INVERS example: Event-triggered alert' },
	{ id: 'inversExample004', name: 'INVERS example: Unlock on booking (webhook)' },
];

describe('selectExamplesToImport', () => {
	it('imports every example into an empty n8n', () => {
		const { imported, kept } = selectExamplesToImport(examples, new Set());
		expect(imported.map((example) => example.id)).toEqual([
			'inversExample001',
			'inversExample002',
			'inversExample004',
		]);
		expect(kept).toEqual([]);
	});

	it('keeps the examples n8n already has (changed or published by the user) and imports the rest', () => {
		const { imported, kept } = selectExamplesToImport(
			examples,
			new Set(['inversExample002', 'someWorkflowOfTheUser']),
		);
		expect(imported.map((example) => example.id)).toEqual(['inversExample001', 'inversExample004']);
		expect(kept.map((example) => example.id)).toEqual(['inversExample002']);
	});
});

describe('parseWorkflowIds', () => {
	it('reads the ids of `n8n list:workflow --onlyId` and ignores n8n log lines around them', () => {
		const output = [
			'Permissions 0644 for n8n settings file are too wide.',
			'inversExample001',
			'  inversExample004  ',
			'Z3kq9Vb2XyPq1LmN',
			'',
			'There is a deprecation related to your environment variables.',
		].join('\n');
		expect([...parseWorkflowIds(output)]).toEqual([
			'inversExample001',
			'inversExample004',
			'Z3kq9Vb2XyPq1LmN',
		]);
	});
});

describe('the shipped examples for a sandbox fleet', () => {
	it('have ids and names, and every queue they consume renamed to the fleet', () => {
		const shipped = readExamples();
		expect(shipped.length).toBeGreaterThanOrEqual(7);
		expect(shipped.map((example) => example.id)).toContain('inversExample008');
		for (const example of shipped) expect(example.id).toMatch(/^inversExample\d{3}$/);
		const renamed = shipped.map((example) => forFleet(example, 'sandbox-1a2b3c'));
		const text = JSON.stringify(renamed);
		expect(text).not.toContain('fleet-demo.');
		expect(text).toContain('"fleet-sandbox-1a2b3c.vehicle-states"');
		expect(text).toContain(
			'"fleet-sandbox-1a2b3c.mirror.vehicle-states, fleet-sandbox-1a2b3c.mirror.vehicle-changes"',
		);
	});
});
