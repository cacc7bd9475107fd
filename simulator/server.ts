/**
 * The HTTP server: gives every request a flow id, counts it, lets an armed fault intercept it,
 * then runs authentication, rate limiting, permission check and the route's handler.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { BASE_URL, FLOW_ID_HEADER, rateLimitHeaders } from './apiNames';
import { authenticateBearer, requirePermission } from './auth';
import { handleControl, isControlPath } from './control';
import { type Reply, type RequestContext, problemReply, readBody, writeReply } from './http';
import { problemTypes } from './inversRules';
import { HttpProblem, notFound, problemTypeForStatus } from './problems';
import { tooManyRequests } from './rateLimit';
import { type RouteMatch, matchRoute } from './routes';
import type { Simulation } from './simulation';
import type { FaultRule } from './types';

export function createSimulatorServer(sim: Simulation): Server {
	return createServer((req, res) => {
		const flowId = randomUUID();
		res.setHeader(FLOW_ID_HEADER, flowId);
		handle(req, res, sim, flowId).catch((error) => {
			console.error('[simulator] request failed unexpectedly', error);
			writeReply(res, internalError(flowId));
		});
	});
}

async function handle(req: IncomingMessage, res: ServerResponse, sim: Simulation, flowId: string) {
	// Concatenated, not resolved: a doubled slash ('//vehicles') must stay a wrong path, not a host.
	const url = new URL(`http://simulator.invalid${req.url ?? '/'}`);
	const ctx: RequestContext = {
		method: (req.method ?? 'GET').toUpperCase(),
		pathname: url.pathname,
		query: url.searchParams,
		headers: req.headers,
		rawBody: await readBody(req),
		flowId,
		params: {},
	};
	if (isControlPath(ctx.pathname)) return writeReply(res, handleControl(ctx, sim));

	const match = matchRoute(ctx.method, ctx.pathname);
	if (match?.route.access === 'token') sim.stats.tokenRequests++;
	else sim.countRequest(match ? match.route.key : `${ctx.method} (no route)`);
	if (match) ctx.params = match.params;

	const answer = () => answerRequest(match, ctx, sim);
	const fault = sim.faults.take(ctx.method, ctx.pathname);
	if (!fault) return writeReply(res, await answer());
	return applyFault(fault, req, res, sim, answer, flowId);
}

async function applyFault(
	fault: FaultRule,
	req: IncomingMessage,
	res: ServerResponse,
	sim: Simulation,
	answer: () => Promise<Reply>,
	flowId: string,
): Promise<void> {
	// Handling first proves a client does not retry what the API already executed.
	if (fault.executeBeforeFault && fault.kind !== 'slow' && fault.kind !== 'rate-limit') {
		await answer();
	}
	switch (fault.kind) {
		case 'slow':
			await sim.delays.sleep(fault.delayMs ?? 1000);
			return writeReply(res, await answer());
		case 'drop':
			req.socket.destroy();
			return;
		case 'html': {
			const status = fault.status ?? 502;
			return writeReply(res, {
				status,
				text: gatewayPage(status),
				contentType: 'text/html; charset=utf-8',
			});
		}
		case 'redirect': {
			const target = fault.location ?? new URL(req.url ?? '/', BASE_URL).href;
			return writeReply(res, { status: fault.status ?? 301, headers: { Location: target } });
		}
		case 'rate-limit': {
			// Only Retry-After, no X-Rate-Limit-* headers: the contract allows either. The value is
			// sent as given, 0 included (what a misbehaving API or proxy may send).
			sim.stats.rateLimited++;
			const seconds = fault.retryAfterSeconds ?? 1;
			const reply = problemReply(tooManyRequests(seconds), flowId);
			return writeReply(res, {
				...reply,
				headers: { ...reply.headers, [rateLimitHeaders.retryAfter]: String(seconds) },
			});
		}
		case 'body':
			// writeReply answers text only with a Content-Type: write this one as it is.
			if (fault.contentType) res.setHeader('Content-Type', fault.contentType);
			res.writeHead(fault.status ?? 200).end(fault.body ?? '');
			return;
		case 'status': {
			const status = fault.status ?? 500;
			if (status === 429) sim.stats.rateLimited++;
			const type = fault.problemType ?? problemTypeForStatus(status);
			const detail = fault.detail ?? `Injected fault: status ${status}.`;
			const problem = new HttpProblem(status, type, detail);
			return writeReply(res, problemReply(problem, flowId));
		}
	}
}

/** Authentication, rate limit, permission, handler: every outcome becomes a Reply. */
async function answerRequest(
	match: RouteMatch | undefined,
	ctx: RequestContext,
	sim: Simulation,
): Promise<Reply> {
	if (!match) {
		return problemReply(notFound(`No resource at ${ctx.method} ${ctx.pathname}.`), ctx.flowId);
	}
	const { route } = match;
	let rateLimitHeaders: Record<string, string> = {};
	try {
		if (route.access === 'token') return await route.handler(ctx, sim);
		const client = authenticateBearer(ctx.headers.authorization, sim.tokens);
		const limit = sim.config.rateLimit;
		if (limit) rateLimitHeaders = sim.rateLimiter.consume(client.clientId, limit);
		requirePermission(client, route.access);
		return withHeaders(await route.handler(ctx, sim), rateLimitHeaders);
	} catch (error) {
		if (!(error instanceof HttpProblem)) {
			console.error('[simulator] handler failed', error);
			return internalError(ctx.flowId);
		}
		return withHeaders(problemReply(error, ctx.flowId), rateLimitHeaders);
	}
}

function withHeaders(reply: Reply, headers: Record<string, string>): Reply {
	return { ...reply, headers: { ...headers, ...reply.headers } };
}

function internalError(flowId: string): Reply {
	return problemReply(
		new HttpProblem(500, problemTypes.internalServerError, 'The simulator failed unexpectedly.'),
		flowId,
	);
}

/** What a load balancer answers when the API behind it is down: HTML, not problem JSON. */
function gatewayPage(status: number): string {
	const title =
		status === 503
			? 'Service Temporarily Unavailable'
			: status === 504
				? 'Gateway Time-out'
				: 'Bad Gateway';
	return `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
