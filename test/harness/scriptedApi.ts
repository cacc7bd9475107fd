import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { TOKEN_PATH } from '../../nodes/shared/contract';
import { clearAccessTokenCache } from '../../nodes/shared/transport/accessToken';
import { forgetAcceptedPageSizes } from '../../nodes/shared/transport/pageSize';
import { TestCredentials } from './workflowRunner';

const TOKEN_PATHNAME = TOKEN_PATH.split('?')[0];

export interface ScriptedRequest {
	method: string;
	pathname: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
}

export interface ScriptedAnswer {
	status?: number;
	headers?: Record<string, string>;
	/** An object is sent as JSON; a string as it is. */
	body?: unknown;
}

/**
 * A local API that misbehaves in ways the simulator does not: each test scripts the answers of
 * the API requests (`answer`), for example page tokens that repeat or never end, or a problem
 * detail that repeats the request's Authorization header. The token endpoint answers like
 * INVERS's unless `answerToken` is set.
 */
export class ScriptedApi {
	readonly requests: ScriptedRequest[] = [];

	/** Every token the endpoint handed out, in order. */
	readonly tokens: string[] = [];

	answer: (request: ScriptedRequest) => ScriptedAnswer = () => ({ status: 404, body: {} });

	answerToken?: (request: ScriptedRequest) => ScriptedAnswer;

	private server?: Server;

	url = '';

	async start(): Promise<this> {
		this.server = createServer((req, res) => {
			const url = new URL(`http://scripted.invalid${req.url ?? '/'}`);
			const request: ScriptedRequest = {
				method: req.method ?? 'GET',
				pathname: url.pathname,
				query: url.searchParams,
				headers: req.headers,
			};
			req.resume();
			req.on('end', () => {
				let answer: ScriptedAnswer;
				if (request.pathname === TOKEN_PATHNAME) {
					answer = this.answerToken?.(request) ?? this.issueToken();
				} else {
					this.requests.push(request);
					answer = this.answer(request);
				}
				const text =
					typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
				res.writeHead(answer.status ?? 200, {
					'Content-Type': 'application/json',
					...answer.headers,
				});
				res.end(text);
			});
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		const { port } = this.server.address() as AddressInfo;
		this.url = `http://127.0.0.1:${port}`;
		return this;
	}

	/** A token as INVERS issues one: long, random, 15 minutes. */
	issueToken(): ScriptedAnswer {
		const token = `tok-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
		this.tokens.push(token);
		return { body: { access_token: token, token_type: 'bearer', expires_in: 900 } };
	}

	credentials(clientId = 'scripted#client', clientSecret = 'scripted-secret-0123456789') {
		return new TestCredentials({ baseUrl: this.url, clientId, clientSecret });
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
	}
}

/**
 * A fresh scripted API for each test of the file, closed afterwards, with the transport's
 * process-wide memories (tokens, learned page sizes) cleared so no test sees another's.
 */
export function useScriptedApi(): () => ScriptedApi {
	let api: ScriptedApi | undefined;
	beforeEach(async () => {
		api = await new ScriptedApi().start();
	});
	afterEach(async () => {
		await api?.close();
		api = undefined;
		clearAccessTokenCache();
		forgetAcceptedPageSizes();
	});
	return () => {
		if (!api) throw new Error('The scripted API exists only inside a test');
		return api;
	};
}
