/**
 * An AI agent with the INVERS nodes as tools, in a real n8n 2.41: example 7 ("Fleet assistant"),
 * n8n's AI Agent with its OpenAI Chat Model pointed at a scripted OpenAI-compatible model
 * (scriptedModel.ts) that plays the model's part and records what n8n sends it. Judged by what the
 * model was told (each tool's name, description and input schema; each tool result) and by what
 * reached the simulator. The INVERS tools use least-privilege API clients, as the README advises:
 * the commands a client with only `vehicle-commands`, the look-ups a read-only one.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { COMMAND_NAME_FOR_MODEL } from '../../nodes/InversVehicleCommands/actions/vehicle/commandOperations';
import { SEARCH_FOR_MODEL } from '../../nodes/InversVehicleManagement/actions/vehicle/getMany.operation';
import { VEHICLE_ID_FOR_MODEL } from '../../nodes/shared/descriptions/vehicleLocator';
import type { N8nInstanceOptions, RunningN8n } from '../../scripts/sandbox/n8nInstance';
import { ownerSession, startN8n } from '../../scripts/sandbox/n8nInstance';
import {
	generateWebhookSecret,
	unlockWebhookHeaders,
	webhookAuthCredential,
} from '../../scripts/sandbox/webhookAuth';
import type { Simulator } from '../../simulator';
import { startSimulator } from '../../simulator';
import {
	describeE2e,
	importCredentials,
	importWorkflows,
	inversCredential,
	newInstance,
	publishWorkflow,
	readExample,
	rest,
	tempDir,
	waitFor,
	writeWorkflows,
} from './harness';
import type { ChatMessage, ChatRequest, ToolSpec } from './scriptedModel';
import { ScriptedModel, textOf, toolDescribed } from './scriptedModel';

const EXAMPLE_ID = 'inversExample007';
const ASSISTANT_PATH = 'invers-assistant';
const COMMAND_ROUTE = 'POST /vehicles/:id/commands/:command';
/** The name n8n's editor gives a Send Other Command tool. */
const OTHER_COMMAND_NODE = 'Send another command to a vehicle in INVERS Vehicle Commands';

/** Least privilege: the command tools' API client may only send commands, the look-ups only read. */
const COMMANDS_CREDENTIAL = { id: 'inversAgentCmds01', name: 'INVERS (commands only)' };
const READ_CREDENTIAL = { id: 'inversAgentRead01', name: 'INVERS (read only)' };

interface NodeTypeDescription {
	name: string;
	version: number | number[];
	defaultVersion?: number;
	properties: Array<{ name: string; options?: Array<{ value?: unknown; action?: string }> }>;
}

/** The results the tools gave the model, in order (the `tool` messages of the last request). */
function toolResults(request: ChatRequest): string[] {
	return request.messages.filter((message) => message.role === 'tool').map(textOf);
}

function lastMessage(request: ChatRequest): ChatMessage {
	return request.messages[request.messages.length - 1];
}

/** The INVERS vehicle IDs in a tool result (Get Many's vehicles). */
function vehicleIdsIn(result: string): string[] {
	const found: string[] = [];
	const visit = (value: unknown) => {
		if (Array.isArray(value)) value.forEach(visit);
		else if (value && typeof value === 'object') {
			const object = value as Record<string, unknown>;
			if (typeof object.id === 'string') found.push(object.id);
			Object.values(object).forEach(visit);
		}
	};
	visit(JSON.parse(result));
	return found;
}

describeE2e('an AI agent with the INVERS tools (example 7) in n8n 2.41', () => {
	const model = new ScriptedModel();
	let sim: Simulator;
	let instance: N8nInstanceOptions;
	let n8n: RunningN8n | undefined;
	const secret = generateWebhookSecret();

	beforeAll(async () => {
		await model.start();
		sim = await startSimulator({ port: 0, fleetSize: 12 });
		instance = await newInstance('agent');
		await importCredentials(instance, [
			inversCredential(sim.url),
			{
				...inversCredential(sim.url),
				...COMMANDS_CREDENTIAL,
				data: {
					...inversCredential(sim.url).data,
					clientId: 'commands#client',
					clientSecret: 'commands-secret',
				},
			},
			{
				...inversCredential(sim.url),
				...READ_CREDENTIAL,
				data: {
					...inversCredential(sim.url).data,
					clientId: 'readonly#client',
					clientSecret: 'readonly-secret',
				},
			},
			{
				id: 'inversExampleOpenAi',
				name: 'OpenAI (example 7)',
				type: 'openAiApi',
				data: { apiKey: 'sk-scripted-model', url: model.baseUrl },
			},
			webhookAuthCredential(secret),
		]);
		const dir = tempDir('agent-workflows');
		writeWorkflows(dir, 'demo', [readExample(EXAMPLE_ID)], (workflow) => {
			for (const node of workflow.nodes as Array<{
				type: string;
				credentials?: Record<string, unknown>;
			}>) {
				if (node.type.endsWith('.inversVehicleCommandsTool')) {
					node.credentials = { inversOneApi: COMMANDS_CREDENTIAL };
				} else if (node.type.endsWith('.inversVehicleManagementTool')) {
					node.credentials = { inversOneApi: READ_CREDENTIAL };
				}
			}
			// One more tool than the example gives: Send Other Command, added as the panel adds it
			// (nothing set but the operation), with which the model chooses the command itself.
			workflow.nodes.push({
				id: '7a9e0c31-0000-4000-8000-0000000000ff',
				name: OTHER_COMMAND_NODE,
				type: 'n8n-nodes-invers-oneapi.inversVehicleCommandsTool',
				typeVersion: 2,
				position: [960, 320],
				parameters: { resource: 'vehicle', operation: 'sendOtherCommand' },
				credentials: { inversOneApi: COMMANDS_CREDENTIAL },
			} as (typeof workflow.nodes)[number]);
			(workflow.connections as Record<string, unknown>)[OTHER_COMMAND_NODE] = {
				ai_tool: [[{ node: 'Fleet Assistant', type: 'ai_tool', index: 0 }]],
			};
		});
		await importWorkflows(instance, dir);
		await publishWorkflow(instance, EXAMPLE_ID);
		n8n = await startN8n(instance);
		// n8n answers its readiness check before it has registered the published webhooks.
		await waitFor(async () => {
			const probe = await fetch(`${n8n!.url}/webhook/${ASSISTANT_PATH}`);
			const text = await probe.text();
			return !text.includes('is not registered.') && !text.includes('The requested webhook');
		}, "the assistant's webhook to be registered");
	}, 240_000);

	afterAll(async () => {
		await n8n?.stop();
		await model.close();
		await sim?.close();
	}, 60_000);

	/** Asks the assistant as a caller of the webhook would; returns its answer. */
	async function ask(message: string): Promise<{ status: number; body: Record<string, unknown> }> {
		const response = await fetch(`${n8n!.url}/webhook/${ASSISTANT_PATH}`, {
			method: 'POST',
			headers: unlockWebhookHeaders(secret),
			body: JSON.stringify({ message }),
		});
		const text = await response.text();
		if (response.status === 404) {
			// The webhook is not registered: the workflow did not activate. n8n's log says why.
			throw new Error(`the assistant's webhook is not registered:\n${n8n!.log().slice(-4000)}`);
		}
		let body: Record<string, unknown>;
		try {
			body = JSON.parse(text) as Record<string, unknown>;
		} catch {
			body = { unparsed: text };
		}
		return { status: response.status, body };
	}

	/** A car that takes a lock now: online, ignition off, unlocked. */
	function readyCar(id: string): string {
		sim.setVehicleFlags(id, { lifeStatus: 'ONLINE', sharedWithPartner: false });
		sim.setVehicleState(id, { ignition: 'OFF', central_lock: 'UNLOCKED' });
		return id;
	}

	const LOCK = 'Lock the central lock of a vehicle';
	const UNLOCK = 'Unlock the central lock of a vehicle';
	const SEARCH = 'Get many vehicles';
	const LATEST_STATE = 'Get the latest state of a vehicle';
	const OTHER = 'Send another command to a vehicle';

	it('offers Vehicle Commands version 2 (the default) with an action per command, version 1 still, and each as a tool', async () => {
		const cookie = await ownerSession(n8n!.url);
		const { status, body } = await rest<NodeTypeDescription[]>(
			n8n!.url,
			cookie,
			'GET',
			'/types/nodes.json',
		);
		expect(status).toBe(200);
		const commands = (name: string, version: number) =>
			body.find(
				(type) =>
					type.name === `n8n-nodes-invers-oneapi.${name}` &&
					([] as number[]).concat(type.version).includes(version),
			);
		expect(commands('inversVehicleCommands', 1)).toBeDefined();
		const v2 = commands('inversVehicleCommands', 2)!;
		expect(v2.defaultVersion).toBe(2);
		const actions = v2.properties
			.filter((property) => property.name === 'operation')
			.flatMap((property) => property.options ?? [])
			// n8n adds its own "Custom API Call" (the HTTP Request node with this credential).
			.filter((option) => option.value !== '__CUSTOM_API_CALL__')
			.map((option) => option.action);
		// What the node panel lists (and finds by "unlock") under INVERS Vehicle Commands.
		expect(actions.filter((action) => /unlock/i.test(action ?? '')).sort()).toEqual([
			'Unlock a vehicle and enable driving',
			'Unlock the battery compartment',
			'Unlock the central lock of a vehicle',
			'Unlock the top case of a vehicle',
		]);
		expect(actions).toHaveLength(12);
		expect(commands('inversVehicleCommandsTool', 2)).toBeDefined();
		expect(commands('inversVehicleCommandsTool', 1)).toBeDefined();
	});

	it('tells the model each tool by a name and description of its own, with described parameters; a lock by plate is sent once', async () => {
		const car = readyCar('5AGB9');
		const plate = sim.getVehicle(car)!.master_data.license_plate as string;
		const first = model.requests.length;
		const commandsBefore = sim.stats.commandsReceived.length;
		const postsBefore = sim.stats.requests[COMMAND_ROUTE] ?? 0;
		// The model: find the car by its plate, lock the ID found, then answer.
		model.script = (request) => {
			const results = toolResults(request);
			if (lastMessage(request).role === 'user') {
				return { tool: toolDescribed(request, SEARCH).function.name, args: { search: plate } };
			}
			if (results.length === 1) {
				const [id] = vehicleIdsIn(results[0]);
				return { tool: toolDescribed(request, LOCK).function.name, args: { vehicle_id: id } };
			}
			return { text: `Locked the car ${plate}.` };
		};

		const answer = await ask(`Please lock the car with the plate ${plate}.`);

		expect(answer).toEqual({ status: 200, body: { answer: `Locked the car ${plate}.` } });
		const requests = model.requests.slice(first);
		expect(requests).toHaveLength(3);
		const tools = requests[0].tools as ToolSpec[];
		// What n8n sent, kept for the report (and for anyone curious what a model sees).
		writeFileSync(
			path.join(os.tmpdir(), 'invers-e2e-agent-tools.json'),
			JSON.stringify(tools, null, 2),
		);

		// One tool per node, each named and described after its action: lock and unlock differ.
		const byDescription = (start: string) => toolDescribed(requests[0], start).function;
		expect(tools.map((tool) => tool.function.name).sort()).toEqual(
			[
				'Get_many_vehicles_in_INVERS_Vehicle_Management',
				'Get_the_latest_state_of_a_vehicle_in_INVERS_Vehicle_Management',
				'Lock_the_central_lock_of_a_vehicle_in_INVERS_Vehicle_Commands',
				'Send_another_command_to_a_vehicle_in_INVERS_Vehicle_Commands',
				'Unlock_the_central_lock_of_a_vehicle_in_INVERS_Vehicle_Commands',
			].sort(),
		);
		expect(byDescription(LOCK).description).toBe(
			'Lock the central lock of a vehicle in INVERS Vehicle Commands',
		);
		expect(byDescription(UNLOCK).description).toBe(
			'Unlock the central lock of a vehicle in INVERS Vehicle Commands',
		);
		expect(new Set(tools.map((tool) => tool.function.description)).size).toBe(tools.length);

		// Every parameter the model fills says its format.
		for (const start of [LOCK, UNLOCK, LATEST_STATE]) {
			const { parameters } = byDescription(start);
			expect(parameters.properties).toEqual({
				vehicle_id: { type: 'string', description: VEHICLE_ID_FOR_MODEL },
			});
			expect(parameters.required).toEqual(['vehicle_id']);
		}
		expect(byDescription(SEARCH).parameters.properties).toEqual({
			search: { type: 'string', description: SEARCH_FOR_MODEL },
		});
		expect(byDescription(OTHER).parameters.properties).toEqual({
			vehicle_id: { type: 'string', description: VEHICLE_ID_FOR_MODEL },
			command: { type: 'string', description: COMMAND_NAME_FOR_MODEL },
		});

		// The search found the car, the lock went to it once, and to nothing else.
		expect(vehicleIdsIn(toolResults(requests[1])[0])).toEqual([car]);
		expect(
			sim.stats.commandsReceived
				.slice(commandsBefore)
				.map(({ vehicleId, command }) => [vehicleId, command]),
		).toEqual([[car, 'LOCK_CENTRAL_LOCK']]);
		expect((sim.stats.requests[COMMAND_ROUTE] ?? 0) - postsBefore).toBe(1);
		expect(sim.getVehicleState(car)!.central_lock.value).toBe('LOCKED');
		expect(toolResults(requests[2])[1]).toContain('"command":"LOCK_CENTRAL_LOCK"');
	});

	it('after a 500 on a lock that ran, the model is told it may have run and to check the state first; nothing is resent', async () => {
		const car = readyCar('VSNZE');
		sim.faults.add({
			method: 'POST',
			path: `^/vehicles/${car}/commands/lock-central-lock$`,
			kind: 'status',
			status: 500,
			executeBeforeFault: true,
		});
		const first = model.requests.length;
		const commandsBefore = sim.stats.commandsReceived.length;
		const postsBefore = sim.stats.requests[COMMAND_ROUTE] ?? 0;
		// The model: lock; after the error, read the latest state as it says; then answer.
		model.script = (request) => {
			const results = toolResults(request);
			if (lastMessage(request).role === 'user') {
				return { tool: toolDescribed(request, LOCK).function.name, args: { vehicle_id: car } };
			}
			if (results.length === 1) {
				return {
					tool: toolDescribed(request, LATEST_STATE).function.name,
					args: { vehicle_id: car },
				};
			}
			return { text: 'The lock may have gone through; the car reports LOCKED.' };
		};

		const answer = await ask(`Lock vehicle ${car}.`);

		expect(answer.status).toBe(200);
		const requests = model.requests.slice(first);
		expect(requests).toHaveLength(3);
		const lockResult = toolResults(requests[1])[0];
		expect(lockResult).toContain(
			`Command LOCK_CENTRAL_LOCK to vehicle ${car} may or may not have been carried out (INVERS answered 500: internal server error): check the vehicle's latest state before sending it again.`,
		);
		// Only the message reaches the model: the description (flow ID, problem type) does not.
		expect(lockResult).not.toContain('Problem type');
		const stateResult = toolResults(requests[2])[1];
		expect(stateResult).toContain('"central_lock":"LOCKED"');
		// The lock ran once (before the 500) and was never sent again.
		expect(
			sim.stats.commandsReceived
				.slice(commandsBefore)
				.map(({ vehicleId, command }) => [vehicleId, command]),
		).toEqual([[car, 'LOCK_CENTRAL_LOCK']]);
		expect((sim.stats.requests[COMMAND_ROUTE] ?? 0) - postsBefore).toBe(1);
	});

	it("a refused lock (409) reaches the model with INVERS's reason: the ignition is on", async () => {
		const car = readyCar('O0H52');
		sim.setVehicleState(car, { ignition: 'ON' });
		const first = model.requests.length;
		model.script = (request) =>
			lastMessage(request).role === 'user'
				? { tool: toolDescribed(request, LOCK).function.name, args: { vehicle_id: car } }
				: { text: 'Not locked: the ignition is on.' };

		const answer = await ask(`Lock vehicle ${car}.`);

		expect(answer.body).toEqual({ answer: 'Not locked: the ignition is on.' });
		const [result] = toolResults(model.requests.slice(first)[1]);
		expect(result).toContain(
			`Command LOCK_CENTRAL_LOCK to vehicle ${car} was refused and not carried out (INVERS answered 409: Vehicle '${car}' cannot LOCK_CENTRAL_LOCK while its ignition is ON): send it again only once the vehicle's state allows it.`,
		);
		expect(sim.getVehicleState(car)!.central_lock.value).toBe('UNLOCKED');
	});

	it('with Send Other Command the model chooses the command, and that one is sent', async () => {
		const car = readyCar('U25O1');
		const commandsBefore = sim.stats.commandsReceived.length;
		model.script = (request) =>
			lastMessage(request).role === 'user'
				? {
						tool: toolDescribed(request, OTHER).function.name,
						args: { vehicle_id: car, command: 'DRAW_ATTENTION' },
					}
				: { text: 'It honked.' };

		const answer = await ask(`Make vehicle ${car} honk so I can find it.`);

		expect(answer.body).toEqual({ answer: 'It honked.' });
		expect(
			sim.stats.commandsReceived
				.slice(commandsBefore)
				.map(({ vehicleId, command }) => [vehicleId, command]),
		).toEqual([[car, 'DRAW_ATTENTION']]);
	});
});
