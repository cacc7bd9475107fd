/**
 * What `npm start` imports on a restart: only the examples n8n does not have yet, so a user's
 * changed or published example survives; the queue names follow the sandbox's fleet id, example
 * 2's alerts go to the sandbox's receiver, and only examples that leave vehicles alone are
 * published on import.
 */
import {
	EXAMPLE_ALERT_URL,
	PUBLISH_ON_IMPORT,
	exampleLabel,
	forFleet,
	forSandbox,
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
		expect(shipped).toHaveLength(8);
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

type Node = { type: string; parameters: Record<string, unknown> };

/** Nodes that change something at INVERS or on a vehicle. */
function actsOnVehicles(node: Node): boolean {
	// An AI agent's tools are the same nodes with the suffix Tool.
	if (/inversVehicle(Commands|Lifecycle)(Tool)?$/.test(node.type)) {
		return node.parameters.operation !== 'getMany' && node.parameters.resource !== 'vehicleModel';
	}
	return /inversVehicleManagement$/.test(node.type) && node.parameters.operation === 'update';
}

describe('publishing on import', () => {
	const shipped = readExamples() as unknown as Array<{ id: string; name: string; nodes: Node[] }>;

	it('publishes the examples that only read or mirror events, never one that acts on vehicles', () => {
		const published = shipped.filter((example) => PUBLISH_ON_IMPORT.includes(example.id));
		expect(published.map(exampleLabel)).toEqual([
			'2 Event-triggered alert',
			'3 Master data sync to Postgres',
			'6 Fleet state mirror',
		]);
		for (const example of published) {
			expect(example.nodes.filter(actsOnVehicles)).toEqual([]);
			// Published means started by events: each has the INVERS Trigger.
			expect(example.nodes.some((node) => /inversTrigger$/.test(node.type))).toBe(true);
		}
		// Left unpublished: it acts on vehicles, or it is the alternative of a published example and
		// reads the same queues (example 8, the fleet state mirror in PostgreSQL, of example 6).
		const queuesOf = (example: { nodes: Node[] }) =>
			example.nodes.find((node) => /inversTrigger$/.test(node.type))?.parameters.queues;
		const publishedQueues = published.map(queuesOf);
		for (const example of shipped.filter(
			(candidate) => !PUBLISH_ON_IMPORT.includes(candidate.id),
		)) {
			const alternative =
				queuesOf(example) !== undefined && publishedQueues.includes(queuesOf(example));
			expect(example.nodes.some(actsOnVehicles) || alternative).toBe(true);
		}
	});

	it("points example 2's alerts at the sandbox's receiver, wherever it listens", () => {
		const alert = shipped.find((example) => example.id === 'inversExample002')!;
		expect(JSON.stringify(alert)).toContain(EXAMPLE_ALERT_URL);
		const forReceiver = JSON.stringify(
			forSandbox(alert, 'sandbox-1a2b3c', 'http://127.0.0.1:9123/invers-alert'),
		);
		expect(forReceiver).not.toContain(EXAMPLE_ALERT_URL);
		expect(forReceiver).toContain('"http://127.0.0.1:9123/invers-alert"');
		expect(forReceiver).toContain('"fleet-sandbox-1a2b3c.vehicle-states"');
	});
});
