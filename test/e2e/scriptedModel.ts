/**
 * A scripted OpenAI-compatible chat model for end-to-end tests of AI agents: a local HTTP server
 * answering `POST /v1/chat/completions` (plain or streamed) with the tool calls and texts a test
 * scripts, and recording every request n8n sent, so a test can read what the model was told: the
 * tools with their names, descriptions and input schemas, and every tool result.
 */
import http from 'node:http';
import type net from 'node:net';

export interface ToolSpec {
	type: 'function';
	function: { name: string; description: string; parameters: JsonSchema };
}

export interface JsonSchema {
	type?: string;
	properties?: Record<string, { type?: string; description?: string }>;
	required?: string[];
	[key: string]: unknown;
}

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: ToolSpec[];
	stream?: boolean;
}

/** What the model answers: a call of one tool, or its final text. */
export type ModelTurn = { tool: string; args: Record<string, unknown> } | { text: string };

/** Decides the next turn from the conversation so far. */
export type Script = (request: ChatRequest) => ModelTurn;

/** The text of a message, whichever shape n8n sent it in. */
export function textOf(message: ChatMessage): string {
	if (typeof message.content === 'string') return message.content;
	if (Array.isArray(message.content))
		return message.content.map((part) => part.text ?? '').join('');
	return '';
}

/** The tool whose description starts with `start`, as a model picks one by what it does. */
export function toolDescribed(request: ChatRequest, start: string): ToolSpec {
	const tool = request.tools?.find((candidate) => candidate.function.description.startsWith(start));
	if (!tool) {
		const offered = (request.tools ?? []).map((candidate) => candidate.function.description);
		throw new Error(`no tool described as "${start}…"; offered: ${JSON.stringify(offered)}`);
	}
	return tool;
}

export class ScriptedModel {
	/** Every chat request n8n sent, in order. */
	readonly requests: ChatRequest[] = [];

	/** The script for the next requests; a test sets it before it starts the agent. */
	script: Script = () => ({ text: 'No script set.' });

	private server?: http.Server;
	private calls = 0;
	/** The Base URL an OpenAI credential points at: `http://127.0.0.1:<port>/v1`. */
	baseUrl = '';

	async start(): Promise<this> {
		this.server = http.createServer((request, response) => {
			let body = '';
			request.on('data', (chunk: Buffer) => (body += chunk.toString()));
			request.on('end', () => this.answer(request, body, response));
		});
		await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
		const { port } = this.server.address() as net.AddressInfo;
		this.baseUrl = `http://127.0.0.1:${port}/v1`;
		return this;
	}

	async close(): Promise<void> {
		if (!this.server) return;
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server!.close(() => resolve()));
	}

	private answer(request: http.IncomingMessage, body: string, response: http.ServerResponse) {
		const send = (status: number, json: unknown) => {
			response.writeHead(status, { 'content-type': 'application/json' });
			response.end(JSON.stringify(json));
		};
		const path = (request.url ?? '').split('?')[0];
		if (request.method === 'GET' && path.endsWith('/models')) {
			send(200, { object: 'list', data: [{ id: 'gpt-4.1-mini', object: 'model' }] });
			return;
		}
		if (request.method !== 'POST' || !path.endsWith('/chat/completions')) {
			send(404, { error: { message: `no route ${request.method} ${path}` } });
			return;
		}
		let chat: ChatRequest;
		let turn: ModelTurn;
		try {
			chat = JSON.parse(body) as ChatRequest;
			this.requests.push(chat);
			turn = this.script(chat);
		} catch (error) {
			// The test sees this as the agent's failure, with the reason.
			send(500, { error: { message: `scripted model: ${(error as Error).message}` } });
			return;
		}
		const id = `chatcmpl-${++this.calls}`;
		const message =
			'tool' in turn
				? {
						role: 'assistant',
						content: null,
						tool_calls: [
							{
								id: `call_${this.calls}`,
								type: 'function',
								function: { name: turn.tool, arguments: JSON.stringify(turn.args) },
							},
						],
					}
				: { role: 'assistant', content: turn.text };
		const finish = 'tool' in turn ? 'tool_calls' : 'stop';
		const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
		if (chat.stream) {
			response.writeHead(200, { 'content-type': 'text/event-stream' });
			const chunk = (delta: object, finishReason: string | null) =>
				`data: ${JSON.stringify({
					id,
					object: 'chat.completion.chunk',
					created: Math.floor(Date.now() / 1000),
					model: chat.model,
					choices: [{ index: 0, delta, finish_reason: finishReason }],
				})}\n\n`;
			const delta =
				'tool' in turn
					? {
							role: 'assistant',
							tool_calls: message.tool_calls!.map((call, index) => ({ index, ...call })),
						}
					: { role: 'assistant', content: turn.text };
			response.write(chunk(delta, null));
			response.write(chunk({}, finish));
			response.end('data: [DONE]\n\n');
			return;
		}
		send(200, {
			id,
			object: 'chat.completion',
			created: Math.floor(Date.now() / 1000),
			model: chat.model,
			choices: [{ index: 0, message, finish_reason: finish }],
			usage,
		});
	}
}
