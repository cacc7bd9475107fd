/**
 * Turns a failed token request into an error a person can act on. The original error is not
 * passed on: the request library's error carries the request configuration, Basic auth included.
 */
export function describeTokenFailure(error: unknown, baseUrl: string): Error {
	const failure = error as {
		code?: string;
		response?: { status?: number };
		httpCode?: string;
		cause?: { code?: string; response?: { status?: number } };
	};
	const status = Number(
		failure?.response?.status ?? failure?.cause?.response?.status ?? failure?.httpCode,
	);
	const code = failure?.code ?? failure?.cause?.code;
	if (status === 400 || status === 401) {
		return new Error(
			`INVERS rejected the Client ID or Client Secret (HTTP ${status} from ${baseUrl}). Check both in FleetControl under API clients; Client IDs often contain '#', copy them whole.`,
		);
	}
	if (status === 403) {
		return new Error(
			`The API client is not allowed to request tokens at ${baseUrl} (HTTP 403): ask INVERS to enable it`,
		);
	}
	if (status) {
		return new Error(`The token request to ${baseUrl} failed with HTTP ${status}`);
	}
	const reason = code ?? (error instanceof Error ? error.message : 'unknown error');
	return new Error(
		`Could not reach the INVERS OneAPI at ${baseUrl} (${reason}): check the Base URL and the network`,
	);
}
