/** `POST /auth/oauth/token?grant_type=client_credentials` with the client as HTTP Basic auth. */
import { TOKEN_PATH } from './apiNames';
import { problemTypes } from './inversRules';
import { decodeBasicAuth, findClient } from './auth';
import { type Reply, type RequestContext, json } from './http';
import { HttpProblem, validationError } from './problems';
import type { Simulation } from './simulation';

export const TOKEN_PATHNAME = TOKEN_PATH.split('?')[0];
/** The grant the contract's token path asks for (`grant_type=client_credentials`). */
const [[GRANT_PARAMETER, GRANT_TYPE]] = [...new URLSearchParams(TOKEN_PATH.split('?')[1])];

export function issueToken(ctx: RequestContext, sim: Simulation): Reply {
	const credentials = decodeBasicAuth(ctx.headers.authorization);
	const client = credentials && findClient(sim.options.clients, credentials.id, credentials.secret);
	if (!client) {
		throw new HttpProblem(
			401,
			problemTypes.invalidCredentials,
			credentials
				? `Unknown client id '${credentials.id}' or wrong secret.`
				: 'Send the client id and secret as HTTP Basic auth.',
			{ 'WWW-Authenticate': 'Basic realm="INVERS OneAPI"' },
		);
	}
	const grantType = ctx.query.get(GRANT_PARAMETER);
	if (grantType !== GRANT_TYPE) {
		throw validationError(GRANT_PARAMETER, `must be '${GRANT_TYPE}', got '${grantType ?? 'none'}'`);
	}
	const ttl = sim.config.tokenTtlSeconds;
	const accessToken = sim.tokens.issue(client, ttl);
	return json(
		200,
		{ access_token: accessToken, token_type: 'bearer', expires_in: ttl },
		{ 'Cache-Control': 'no-store' },
	);
}
