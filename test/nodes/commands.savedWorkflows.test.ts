/**
 * Workflows saved with INVERS Vehicle Commands version 1 (one "Send Command" operation with a
 * Command dropdown) still run as they did, now that new nodes get version 2. The fixtures in
 * test/e2e/fixtures/saved-workflows/commands-v1-*.json are whole workflows as n8n saved them;
 * each `.expected.json` lists, per node, the fields of its output items that stay the same from
 * run to run, and the commands the simulator received. Here they run through n8n-core's engine;
 * the saved-workflow e2e test runs the same files in a real n8n.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { WorkflowExecute } from 'n8n-core';
import type {
	IConnections,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { nodeTypes, registerNodeType } from '../harness/nodeTypes';
import { differences } from '../harness/savedWorkflowMatch';
import { simulatorCredentials, useSimulator } from '../harness/simulatorFixture';
import { buildWorkflow } from '../harness/workflowRunner';

const FIXTURES = path.join(__dirname, '..', 'e2e', 'fixtures', 'saved-workflows');

/** Stands in for n8n's Manual Trigger (n8n-nodes-base is not installed for unit tests). */
class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Starts the workflow with one empty item',
		defaults: { name: 'Manual Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: {} }]];
	}
}
registerNodeType('n8n-nodes-base.manualTrigger', new ManualTrigger());

interface SavedWorkflow {
	nodes: INode[];
	connections: IConnections;
}

interface Expected {
	nodes: Record<string, unknown[]>;
	/** The commands the simulator received, when the fixture names them. */
	commands_received?: Array<{ vehicleId: string; command: string }>;
}

const cases = readdirSync(FIXTURES)
	.filter((name) => /^commands-v1-.*\.json$/.test(name) && !name.endsWith('.expected.json'))
	.map((name) => name.replace(/\.json$/, ''));

const sim = useSimulator({ fleetSize: 12 });

test('there is a saved-workflow fixture for Commands version 1', () => {
	expect(cases.length).toBeGreaterThan(0);
});

test.each(cases)('%s runs as saved', async (name) => {
	const saved = JSON.parse(
		readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'),
	) as SavedWorkflow;
	const expected = JSON.parse(
		readFileSync(path.join(FIXTURES, `${name}.expected.json`), 'utf8'),
	) as Expected;
	for (const node of saved.nodes) {
		if (node.type.startsWith('n8n-nodes-invers-oneapi.')) expect(node.typeVersion).toBe(1);
	}

	const { additionalData } = buildWorkflow(
		'inversVehicleCommands',
		{},
		simulatorCredentials(sim()),
	);
	const workflow = new Workflow({
		id: name,
		name,
		nodes: saved.nodes,
		connections: saved.connections,
		active: false,
		nodeTypes,
	});
	const trigger = saved.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger')!;
	const commandsBefore = sim().stats.commandsReceived.length;
	const run = await new WorkflowExecute(additionalData, 'manual').run({
		workflow,
		startNode: workflow.getNode(trigger.name)!,
	});

	expect(run.data.resultData.error).toBeUndefined();
	for (const [nodeName, items] of Object.entries(expected.nodes)) {
		const output = run.data.resultData.runData[nodeName]?.[0]?.data?.main[0] ?? [];
		expect(
			differences(
				output.map((item) => item.json),
				items,
			),
		).toEqual([]);
	}
	if (expected.commands_received) {
		expect(
			sim()
				.stats.commandsReceived.slice(commandsBefore)
				.map(({ vehicleId, command }) => ({ vehicleId, command })),
		).toEqual(expected.commands_received);
	}
});
