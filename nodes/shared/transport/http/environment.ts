/**
 * The process environment the package's HTTP client reads, in one place: the proxy variables n8n's
 * own request helper honours. Read on every request, not once: n8n itself changes NO_PROXY at run
 * time for some of its connections.
 */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

const PROXY_VARIABLES = [
	'https_proxy',
	'HTTPS_PROXY',
	'http_proxy',
	'HTTP_PROXY',
	'all_proxy',
	'ALL_PROXY',
	'no_proxy',
	'NO_PROXY',
];

export function proxyEnvironment(): ProxyEnvironment {
	const result: Record<string, string | undefined> = {};
	for (const name of PROXY_VARIABLES) result[name] = process.env[name];
	return result;
}
