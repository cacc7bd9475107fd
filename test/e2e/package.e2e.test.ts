/**
 * The packed package inside a real n8n: it loads cleanly, every node and the credential are
 * offered, n8n's credential test (the "Test" button: POST /rest/credentials/test) passes
 * against the simulator and fails clearly on a wrong secret or a wrong broker password, and an
 * access token that expires in the middle of an execution is renewed through n8n's own
 * credentials helper. Vehicles are added as a user configures the node (a CloudBoxx without
 * credentials, a NIU unit with its password), and Get Many pages through an API whose largest page
 * is 20 (the simulator's --page-max), with and without a filter.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import type { Simulator } from '../../simulator/index';
import { startSimulator } from '../../simulator/index';
import type { N8nInstanceOptions, RunningN8n } from '../../scripts/sandbox/n8nInstance';
import { ownerSession, startN8n } from '../../scripts/sandbox/n8nInstance';
import type { EventSimulator } from './harness';
import { linearWorkflow, webhookNode } from './linearWorkflow';
import { problemTypes } from '../../nodes/shared/contract';
import {
	Receiver,
	waitFor,
	PACKAGE_NAME,
	describeE2e,
	importCredentials,
	inversCredential,
	newInstance,
	packageProblems,
	rest,
	startEventSimulator,
	uniqueId,
	deleteQueues,
	importWorkflows,
	publishWorkflow,
	tempDir,
} from './harness';

const RENEWAL_WORKFLOW_ID = 'inversE2eRenew01';
const RENEWAL_PATH = 'e2e-token-renewal';

/** Webhook → all vehicles → the latest state of each, answering with every state. */
function renewalWorkflow(credential: { id: string; name: string }) {
	const management = (name: string, parameters: object) => ({
		name,
		type: `${PACKAGE_NAME}.inversVehicleManagement`,
		typeVersion: 1,
		parameters: { resource: 'vehicle', ...parameters },
		credentials: { inversOneApi: { id: credential.id, name: credential.name } },
	});
	return linearWorkflow(RENEWAL_WORKFLOW_ID, 'INVERS e2e: token renewal mid-run', [
		webhookNode(RENEWAL_PATH, 'allEntries'),
		management('All Vehicles', { operation: 'getMany', returnAll: true }),
		management('Latest State', {
			operation: 'getLatestState',
			vehicle: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
		}),
	]);
}

const BATCH_WORKFLOW_ID = 'inversE2eBatch001';
const BATCH_PATH = 'e2e-command-batch';
const ERRORS_WORKFLOW_ID = 'inversE2eErrors01';

/**
 * Webhook → six vehicles → a state request to each, one after another; a failure goes to the
 * error workflow, which posts what n8n gives it to `receiverUrl`.
 */
function batchWorkflows(credential: { id: string; name: string }, receiverUrl: string) {
	const invers = (name: string, node: string, parameters: object) => ({
		name,
		type: `${PACKAGE_NAME}.${node}`,
		typeVersion: 1,
		parameters: { resource: 'vehicle', ...parameters },
		credentials: { inversOneApi: { id: credential.id, name: credential.name } },
	});
	const batch = linearWorkflow(
		BATCH_WORKFLOW_ID,
		'INVERS e2e: a command batch that fails',
		[
			webhookNode(BATCH_PATH, 'allEntries'),
			invers('Six Vehicles', 'inversVehicleManagement', {
				operation: 'getMany',
				returnAll: false,
				limit: 6,
			}),
			invers('Request State', 'inversVehicleCommands', {
				operation: 'sendCommand',
				vehicle: { __rl: true, mode: 'id', value: '={{ $json.id }}' },
				command: '={{ "REQUEST_VEHICLE_STATE" }}',
				options: { parallelCommands: 1 },
			}),
		],
		{ errorWorkflow: ERRORS_WORKFLOW_ID },
	);
	const errors = linearWorkflow(ERRORS_WORKFLOW_ID, 'INVERS e2e: error workflow', [
		{
			name: 'Error Trigger',
			type: 'n8n-nodes-base.errorTrigger',
			typeVersion: 1,
			parameters: {},
		},
		{
			name: 'Report',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: {
				method: 'POST',
				url: `${receiverUrl}/errors`,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: '={{ JSON.stringify($json) }}',
				options: {},
			},
		},
	]);
	return [batch, errors];
}

const PAGE_MAX = 20;
const PAGES_CREDENTIAL = { id: 'inversE2ePages01', name: `INVERS (pages of at most ${PAGE_MAX})` };
const ID3 = '01HQJGXPRPG4179ZPNB83WVTE8';
const NIU_NQI_GT = '01HQNGRMFD70AH9ZTK3YJK33TN';

/** Webhook → one node of the package, answering with its items. */
function oneNodeWorkflow(
	id: string,
	path: string,
	node: string,
	parameters: object,
	credential: { id: string; name: string },
) {
	return linearWorkflow(id, `INVERS e2e: ${path}`, [
		webhookNode(path, 'allEntries'),
		{
			name: 'INVERS',
			type: `${PACKAGE_NAME}.${node}`,
			typeVersion: 1,
			parameters,
			credentials: { inversOneApi: { id: credential.id, name: credential.name } },
		},
	]);
}

/** Workflows as the editor stores them: unit credentials only where the brand needs them. */
function addAndListWorkflows(credential: { id: string; name: string }) {
	const add = (parameters: object) => ({
		resource: 'vehicle',
		operation: 'add',
		masterData: {},
		additionalFields: {},
		options: {},
		...parameters,
	});
	return [
		oneNodeWorkflow(
			'inversE2eAdd001',
			'e2e-add-cloudboxx',
			'inversVehicleLifecycle',
			add({ telematicsBrand: 'CLOUDBOXX', telematicsUnitId: 'CBX-10301', vehicleModelId: ID3 }),
			credential,
		),
		oneNodeWorkflow(
			'inversE2eAdd002',
			'e2e-add-niu',
			'inversVehicleLifecycle',
			add({
				telematicsBrand: 'NIU',
				telematicsUnitId: 'NIU-20301',
				vehicleModelId: NIU_NQI_GT,
				unitCredentials: 'password',
				unitPassword: 'niu-unit-secret',
			}),
			credential,
		),
		oneNodeWorkflow(
			'inversE2ePage001',
			'e2e-pages-all',
			'inversVehicleManagement',
			{ resource: 'vehicle', operation: 'getMany', returnAll: true },
			PAGES_CREDENTIAL,
		),
		oneNodeWorkflow(
			'inversE2ePage002',
			'e2e-pages-mopeds',
			'inversVehicleManagement',
			{
				resource: 'vehicle',
				operation: 'getMany',
				returnAll: true,
				filters: { vehicleType: 'MOPED' },
			},
			PAGES_CREDENTIAL,
		),
	];
}

const NODE_TYPES = [
	'inversVehicleManagement',
	'inversVehicleLifecycle',
	'inversVehicleCommands',
	'inversTrigger',
].map((name) => `${PACKAGE_NAME}.${name}`);

describeE2e('the package in n8n 2.41', () => {
	let events: EventSimulator;
	let instance: N8nInstanceOptions;
	let n8n: RunningN8n;
	let cookie: string;
	let credential: ReturnType<typeof inversCredential>;
	const errorReports = new Receiver();
	/** A OneAPI whose largest page is 20, as a tenant might have. */
	let pagesSim: Simulator;

	beforeAll(async () => {
		await errorReports.start();
		events = await startEventSimulator(uniqueId('e2e-pkg'));
		pagesSim = await startSimulator({ port: 0, fleetSize: 45, pageMax: PAGE_MAX });
		instance = await newInstance('package');
		credential = inversCredential(events.sim.url);
		await importCredentials(instance, [
			credential,
			{ ...inversCredential(pagesSim.url), ...PAGES_CREDENTIAL },
		]);
		const workflows = tempDir('package-workflows');
		const all = [
			renewalWorkflow(credential),
			...batchWorkflows(credential, errorReports.url),
			...addAndListWorkflows(credential),
		];
		for (const workflow of all) {
			writeFileSync(path.join(workflows, `${workflow.id}.json`), JSON.stringify(workflow));
		}
		await importWorkflows(instance, workflows);
		// n8n runs an error workflow only when it is published.
		for (const workflow of all) await publishWorkflow(instance, workflow.id);
		n8n = await startN8n(instance);
		cookie = await ownerSession(n8n.url);
	}, 240_000);

	afterAll(async () => {
		await n8n?.stop();
		await errorReports.close();
		await pagesSim?.close();
		if (events) {
			await deleteQueues(events.publisher);
			await events.close();
		}
	}, 60_000);

	it('loads without an error or warning mentioning the package', () => {
		const log = n8n.log();
		expect(log).toContain('Editor is now accessible');
		expect(packageProblems(log)).toEqual([]);
		if (process.env.INVERS_E2E_SHOW_LOG) console.log(log);
	});

	it('offers all four nodes and the credential', async () => {
		const nodes = await rest<Array<{ name: string; version: number | number[] }>>(
			n8n.url,
			cookie,
			'GET',
			'/types/nodes.json',
		);
		expect(nodes.status).toBe(200);
		const names = nodes.body.map((node) => node.name);
		for (const type of NODE_TYPES) expect(names).toContain(type);

		const credentials = await rest<Array<{ name: string; displayName: string }>>(
			n8n.url,
			cookie,
			'GET',
			'/types/credentials.json',
		);
		expect(credentials.status).toBe(200);
		const invers = credentials.body.find((entry) => entry.name === 'inversOneApi');
		expect(invers?.displayName).toBe('INVERS OneAPI API');
	});

	it('lists the imported credential for the owner', async () => {
		const { status, body } = await rest<{ data: Array<{ id: string; type: string }> }>(
			n8n.url,
			cookie,
			'GET',
			'/rest/credentials',
		);
		expect(status).toBe(200);
		expect(body.data.map((entry) => entry.id)).toContain(credential.id);
	});

	const test = (data: Record<string, unknown>) =>
		rest<{ data: { status: string; message: string } }>(
			n8n.url,
			cookie,
			'POST',
			'/rest/credentials/test',
			{
				credentials: {
					id: credential.id,
					name: credential.name,
					type: credential.type,
					data: { ...credential.data, ...data },
				},
			},
		);

	it('passes the credential test against the simulator and the broker', async () => {
		const tokenRequestsBefore = events.sim.stats.tokenRequests;
		const { status, body } = await test({});
		expect(status).toBe(200);
		expect(body.data).toEqual({
			status: 'OK',
			message: expect.stringMatching(/event consumer login and API client work/),
		});
		expect(events.sim.stats.tokenRequests).toBeGreaterThan(tokenRequestsBefore);
	});

	it('fails the credential test with a clear message on a wrong client secret', async () => {
		const { status, body } = await test({ clientSecret: 'not-the-secret' });
		expect(status).toBe(200);
		expect(body.data.status).toBe('Error');
		expect(body.data.message).toMatch(/^REST API: /);
		expect(body.data.message).toMatch(/client|secret|credential/i);
		expect(body.data.message).not.toContain('not-the-secret');
	});

	it('fails the credential test with a clear message on a wrong broker password', async () => {
		const { body } = await test({ amqpPassword: 'wrong-password' });
		expect(body.data.status).toBe('Error');
		expect(body.data.message).toMatch(/^Events \(AMQP\): /);
		expect(body.data.message).not.toContain('wrong-password');
	});

	it('fails the credential test clearly when the base URL is not the OneAPI', async () => {
		const { body } = await test({ baseUrl: `${n8n.url}/nothing-here` });
		expect(body.data.status).toBe('Error');
		expect(body.data.message).toMatch(/^REST API: /);
	});

	it("renews a token that expires mid-execution once per expiry, through n8n's credentials helper", async () => {
		// Each latest-state request takes a quarter second and tokens live one second: the token
		// in use expires a few times during the run. n8n's credentials helper renews it after the
		// 401 (and stores it in its database); the node keeps it for its later requests, so every
		// expiry costs one 401 and one token request, and the requests after it carry the new token.
		const { sim } = events;
		const vehicles = sim.vehicleIds().length;
		sim.config.tokenTtlSeconds = 1;
		sim.expireTokens();
		sim.faults.add({
			kind: 'slow',
			method: 'GET',
			path: '^/vehicles/[^/]+/latest-vehicle-state$',
			delayMs: 250,
			times: 1e9,
		});
		const tokensBefore = sim.stats.tokenRequests;
		const statesBefore = sim.stats.requests['GET /vehicles/:id/latest-vehicle-state'] ?? 0;
		const listsBefore = sim.stats.requests['GET /vehicles'] ?? 0;
		try {
			const response = await fetch(`${n8n.url}/webhook/${RENEWAL_PATH}`);
			const states = (await response.json()) as unknown[];
			expect(response.status).toBe(200);
			expect(states).toHaveLength(vehicles);
		} finally {
			sim.faults.clear();
			sim.config.tokenTtlSeconds = 900;
		}
		const tokenRequests = sim.stats.tokenRequests - tokensBefore;
		const rejected =
			sim.stats.requests['GET /vehicles/:id/latest-vehicle-state'] -
			statesBefore -
			vehicles +
			(sim.stats.requests['GET /vehicles'] - listsBefore - 1);
		// Each 401 was answered by one renewal (one more token request when the run started without
		// a token at hand), and at least two tokens expired during the three seconds of states.
		expect(rejected).toBeGreaterThanOrEqual(3);
		expect(tokenRequests - rejected).toBeGreaterThanOrEqual(0);
		expect(tokenRequests - rejected).toBeLessThanOrEqual(1);
	}, 60_000);

	it('a failing command batch reaches n8n (and its error workflow) with what happened to each item', async () => {
		const { sim } = events;
		// Every vehicle takes commands; the command to the 4th listed vehicle is refused. The rule
		// names that vehicle rather than counting requests: a request refused for an expired token
		// (and resent after the renewal) would count too.
		const fourth = sim.vehicleIds()[3];
		for (const id of sim.vehicleIds()) {
			sim.setVehicleFlags(id, {
				lifeStatus: 'ONLINE',
				sharedWithPartner: false,
				setupStatus: 'SUCCEEDED',
			});
		}
		sim.faults.add({
			method: 'POST',
			path: `^/vehicles/${fourth}/commands/`,
			kind: 'status',
			status: 409,
			problemType: problemTypes.conflictingState,
		});
		const executedBefore = sim.stats.commandsReceived.length;
		try {
			const response = await fetch(`${n8n.url}/webhook/${BATCH_PATH}`);
			expect(response.status).toBe(500);
		} finally {
			sim.faults.clear();
		}
		// Items 0–2 carried out, item 3 refused, items 4–5 never sent.
		expect(
			sim.stats.commandsReceived.slice(executedBefore).map((command) => command.vehicleId),
		).toEqual(sim.vehicleIds().slice(0, 3));

		const report = await waitFor(
			() => errorReports.bodies.find((body) => body.workflow !== undefined),
			'the error workflow to report',
			30_000,
		);
		const error = (report.execution as { error: Record<string, unknown> }).error;
		expect(error.message).toMatch(
			/^Command REQUEST_VEHICLE_STATE to vehicle \S+ was refused and not carried out \(INVERS answered 409: Injected fault: status 409\): send it again only once the vehicle's state allows it\. \[item 3; batch stopped: 3 of 6 carried out, 2 not sent\]$/,
		);
		const lines = String(error.description).split('\n');
		expect(lines).toContainEqual(
			expect.stringMatching(
				/^Carried out \(3\): item 0 vehicle \S+: REQUEST_VEHICLE_STATE \(flow ID [0-9a-f-]{36}\); item 1 .*; item 2 .*\.$/,
			),
		);
		expect(lines).toContainEqual(
			expect.stringMatching(
				/^Failed, not carried out \(1\): item 3: Command REQUEST_VEHICLE_STATE to vehicle \S+ was refused and not carried out /,
			),
		);
		expect(lines).toContainEqual(expect.stringMatching(/^Not sent \(2\): items 4–5\./));
		const batch = (error.context as { data: { batch: { items: Array<{ outcome: string }> } } }).data
			.batch;
		expect(batch.items.map((item) => item.outcome)).toEqual([
			'carried_out',
			'carried_out',
			'carried_out',
			'failed',
			'not_sent',
			'not_sent',
		]);
	}, 90_000);
	const callWebhook = async (webhookPath: string) => {
		const response = await fetch(`${n8n.url}/webhook/${webhookPath}`);
		const text = await response.text();
		if (response.status !== 200) console.log(response.status, text, n8n.log().slice(-3000));
		return { status: response.status, items: JSON.parse(text) as Array<Record<string, unknown>> };
	};

	it('adds a CloudBoxx vehicle without credentials and a NIU vehicle with its unit password', async () => {
		const { sim } = events;
		const countBefore = sim.vehicleIds().length;

		const cloudBoxx = await callWebhook('e2e-add-cloudboxx');
		const niu = await callWebhook('e2e-add-niu');

		expect(cloudBoxx.status).toBe(200);
		expect(cloudBoxx.items[0]).toMatchObject({
			telematics_unit: { id: 'CBX-10301', brand: 'CLOUDBOXX' },
			setup_status: 'PENDING',
			flow_id: expect.any(String),
		});
		expect(niu.status).toBe(200);
		expect(niu.items[0]).toMatchObject({
			telematics_unit: { id: 'NIU-20301', brand: 'NIU' },
			master_data: { vehicle_type: 'MOPED' },
		});
		expect(JSON.stringify(niu.items)).not.toContain('niu-unit-secret');
		// The simulator refuses credentials for a CloudBoxx and wants them for a NIU unit: both
		// requests were as INVERS documents them.
		expect(sim.vehicleIds()).toHaveLength(countBefore + 2);
		for (const item of [...cloudBoxx.items, ...niu.items]) {
			expect(sim.getVehicle(String(item.id))).toBeDefined();
		}
	});

	it(`Get Many with Return All and with a filter against an API whose largest page is ${PAGE_MAX}`, async () => {
		const all = await callWebhook('e2e-pages-all');
		expect(all.status).toBe(200);
		expect(all.items.map((item) => item.id)).toEqual(pagesSim.vehicleIds());

		const mopeds = await callWebhook('e2e-pages-mopeds');
		expect(mopeds.status).toBe(200);
		const expected = pagesSim
			.vehicleIds()
			.filter((id) => pagesSim.getVehicle(id)!.master_data.vehicle_type === 'MOPED');
		expect(expected.length).toBeGreaterThan(0);
		expect(mopeds.items.map((item) => item.id)).toEqual(expected);

		// 100 refused once; the size that worked (20) served every later page of both executions.
		expect(pagesSim.stats.listLimits).toEqual({ '100': 1, [String(PAGE_MAX)]: 6 });
		const notices = n8n.log().match(/refused pages of 100 vehicles/g) ?? [];
		expect(notices).toHaveLength(1);
		expect(n8n.log()).toContain(`ask for ${PAGE_MAX} per page from now on`);
	});
});
