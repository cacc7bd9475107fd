/** Small helpers around node:http: what a handler returns and how it goes on the wire. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants, deflateSync, gzipSync } from 'node:zlib';
import { problemTypes } from './inversRules';
import { HttpProblem, problemBody } from './problems';

/** A handler's answer; written by the server, or discarded when a fault replaces it. */
export interface Reply {
	status: number;
	headers?: Record<string, string>;
	/** Serialised as JSON unless `text` is given. */
	json?: unknown;
	text?: string;
	contentType?: string;
}

export interface RequestContext {
	method: string;
	pathname: string;
	query: URLSearchParams;
	headers: IncomingHttpHeaders;
	rawBody: Buffer;
	flowId: string;
	params: Record<string, string>;
}

/** Requests larger than this are refused: nothing in the contract comes close. */
const MAX_BODY_BYTES = 1024 * 1024;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
	return { status, json: body, headers };
}

export function problemReply(problem: HttpProblem, flowId: string): Reply {
	return {
		status: problem.status,
		json: problemBody(problem, flowId),
		contentType: 'application/problem+json',
		headers: { ...problem.headers },
	};
}

export type Compression = 'gzip' | 'deflate' | 'br';

const COMPRESS: Record<Compression, (body: Buffer) => Buffer> = {
	gzip: (body) => gzipSync(body),
	deflate: (body) => deflateSync(body),
	// Quality 4, as servers compress on the fly (the default 11 is for files compressed once).
	br: (body) => brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }),
};

/** The encoding to answer `req` in: the configured one, if the request accepts it. */
export function answerEncoding(
	configured: Compression | undefined,
	acceptEncoding: string | string[] | undefined,
): Compression | undefined {
	if (!configured) return undefined;
	const accepted = String(acceptEncoding ?? '')
		.split(',')
		.map((entry) => entry.split(';')[0].trim().toLowerCase());
	return accepted.includes(configured) ? configured : undefined;
}

export function writeReply(res: ServerResponse, reply: Reply, encoding?: Compression): void {
	if (res.destroyed || res.headersSent) return;
	for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
	if (reply.text !== undefined) {
		res.setHeader('Content-Type', reply.contentType ?? 'text/plain; charset=utf-8');
		res.writeHead(reply.status).end(reply.text);
	} else if (reply.json !== undefined) {
		res.setHeader('Content-Type', reply.contentType ?? 'application/json');
		const body = Buffer.from(JSON.stringify(reply.json), 'utf8');
		if (encoding) {
			res.setHeader('Content-Encoding', encoding);
			res.setHeader('Vary', 'Accept-Encoding');
			res.writeHead(reply.status).end(COMPRESS[encoding](body));
		} else res.writeHead(reply.status).end(body);
	} else {
		res.writeHead(reply.status).end();
	}
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			// Keep the first chunk past the limit (so `jsonBody` can tell), drop the rest.
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
			size += chunk.length;
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/**
 * The request body as JSON, or undefined when there is none. Invalid JSON is the contract's
 * `invalid-json`; a body that is not declared as JSON is refused too, because the package must
 * send `Content-Type: application/json` and a lenient simulator would hide that bug.
 */
export function jsonBody(ctx: RequestContext): unknown {
	if (ctx.rawBody.length === 0) return undefined;
	if (ctx.rawBody.length > MAX_BODY_BYTES) {
		throw new HttpProblem(400, problemTypes.validationError, 'body: larger than 1 MiB');
	}
	const contentType = String(ctx.headers['content-type'] ?? '');
	if (!/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
		throw new HttpProblem(
			400,
			problemTypes.validationError,
			`Content-Type: expected application/json, got '${contentType || 'none'}'`,
		);
	}
	const parsed = parseJson(ctx.rawBody.toString('utf8'));
	if ('error' in parsed) {
		throw new HttpProblem(
			400,
			problemTypes.invalidJson,
			`The body is not valid JSON: ${parsed.error}`,
		);
	}
	return parsed.value;
}

function parseJson(text: string): { value: unknown } | { error: string } {
	try {
		return { value: JSON.parse(text) };
	} catch (error) {
		return { error: error.message };
	}
}
