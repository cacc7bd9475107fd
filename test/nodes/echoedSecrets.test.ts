/**
 * An API or a gateway may repeat the request in its error: the Authorization header in a problem
 * detail, the token request's Basic credentials or form body. Whatever an answer says reaches
 * errors, items and the credential test's message only with the credential's secrets taken out.
 */
import type { IDataObject } from 'n8n-workflow';

import { runCredentialTest } from '../harness/credentialTest';
import { management, vehicleById } from '../harness/params';
import type { ScriptedApi, ScriptedRequest } from '../harness/scriptedApi';
import { useScriptedApi } from '../harness/scriptedApi';
import type { NodeRunResult } from '../harness/workflowRunner';
import { runNode } from '../harness/workflowRunner';

const CLIENT_ID = 'scripted#client';
const SECRET = 'scripted-secret-0123456789';
const BASIC = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');

const scriptedApi = useScriptedApi();
let api: ScriptedApi;
beforeEach(() => (api = scriptedApi()));

/** What an execution stores and shows: its run data and the node's error, as text. */
function everythingShown(result: NodeRunResult): string {
	return JSON.stringify(result.run) + JSON.stringify(result.error ?? {});
}

function get(continueOnFail = false) {
	return runNode({
		node: 'inversVehicleManagement',
		parameters: management('get', { vehicle: vehicleById('JQ7RP') }),
		credentials: api.credentials(CLIENT_ID, SECRET),
		continueOnFail,
	});
}

/** A gateway that puts the request's headers into every part of its problem. */
function echoHeaders(request: ScriptedRequest) {
	const headers = `authorization: ${String(request.headers.authorization)}`;
	return {
		status: 400,
		headers: { 'Content-Type': 'application/problem+json', 'X-INVERS-Flow-ID': 'flow-echo' },
		body: {
			type: `/problems/validation-error?${headers}`,
			title: `Bad request (${headers})`,
			status: 400,
			detail: `Refused request with headers {${headers}, client_secret=${SECRET}, basic=Basic ${BASIC}}`,
		},
	};
}

describe('a problem that repeats the request', () => {
	test.each([
		['the error', false],
		['the error item', true],
	])('leaves the token, the secret and the Basic credentials out of %s', async (_, onFail) => {
		api.answer = echoHeaders;
		const result = await get(onFail);
		const [token] = api.tokens;
		expect(token).toBeDefined();
		const shown = everythingShown(result);
		expect(shown).not.toContain(token);
		expect(shown).not.toContain(SECRET);
		expect(shown).not.toContain(BASIC);
		expect(shown).toContain('authorization: Bearer [redacted]');
		const description = onFail
			? ((result.items[0].json.details as IDataObject).description as string)
			: result.error?.description;
		expect(description).toContain('client_secret=[redacted]');
		expect(description).toContain('basic=Basic [redacted]');
	});

	test('leaves out an older token too, and keeps words that only look like credentials', async () => {
		api.answer = () => ({
			status: 409,
			body: {
				title: 'Conflict',
				detail:
					'Bearer eyJhbGciOiJIUzI1NiJ9.old-token-of-yesterday was used; Basic authentication is not offered.',
			},
		});
		const { error } = await get();
		expect(error?.description).toContain('Bearer [redacted] was used');
		expect(error?.description).toContain('Basic authentication is not offered');
	});

	test("caps the problem's title and type like its detail", async () => {
		api.answer = () => ({
			status: 409,
			body: { type: `/problems/${'t'.repeat(5000)}`, title: 'T'.repeat(5000), detail: 'short' },
		});
		const { error } = await get();
		expect(error?.message.length).toBeLessThan(1100);
		expect(error?.description).toContain('[cut: 4000 more characters]');
		const data = (error as unknown as { errorResponse: IDataObject }).errorResponse;
		expect(String(data.type).length).toBeLessThan(1100);
		expect(String(data.title).length).toBeLessThan(1100);
		// The title and the problem type, each cut at about 1,000 characters, and the short rest.
		expect(error?.description?.length).toBeLessThan(2300);
	});
});

describe('a token endpoint that repeats the request', () => {
	function echoingTokenEndpoint(request: ScriptedRequest) {
		return {
			status: 401,
			body: {
				error: 'invalid_client',
				error_description: `Client refused: ${String(request.headers.authorization)} (secret ${SECRET})`,
			},
		};
	}

	test('in a node: its explanation is shown without the Basic credentials or the secret', async () => {
		api.answerToken = echoingTokenEndpoint;
		const result = await get();
		expect(result.error?.message).toBe('Could not get an access token from INVERS');
		expect(result.error?.description).toContain(
			'INVERS said: "Client refused: Basic [redacted] (secret [redacted])"',
		);
		const shown = everythingShown(result);
		expect(shown).not.toContain(SECRET);
		expect(shown).not.toContain(BASIC);
	});

	test('in the credential test: the same', async () => {
		api.answerToken = echoingTokenEndpoint;
		const result = await runCredentialTest({
			baseUrl: api.url,
			clientId: CLIENT_ID,
			clientSecret: SECRET,
		});
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^REST API: INVERS rejected the Client ID or Client Secret/);
		expect(result.message).toContain(
			'INVERS said: "Client refused: Basic [redacted] (secret [redacted])"',
		);
		expect(result.message).not.toContain(SECRET);
		expect(result.message).not.toContain(BASIC);
	});
});
