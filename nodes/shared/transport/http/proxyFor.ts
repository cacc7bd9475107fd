import { HttpClientError } from './clientError';
import type { ProxyEnvironment } from './environment';

/**
 * Which proxy a request goes through, by the rules n8n's request helper applies to the same
 * environment variables (it uses the `proxy-from-env` package), so that a request of the INVERS
 * nodes takes the way any other n8n request to the same URL takes:
 * - `HTTPS_PROXY` for https URLs, `HTTP_PROXY` for http URLs, else `ALL_PROXY`; the lower-case
 *   name wins over the upper-case one; a proxy without scheme gets the URL's scheme;
 * - `NO_PROXY` (`*`, or a list split at commas and spaces) names hosts reached directly: `host`
 *   matches that host only, `.example.com` and `*.example.com` every host ending so; an entry
 *   with `:port` matches that port only.
 */

function variable(env: ProxyEnvironment, name: string): string {
	return env[name.toLowerCase()] || env[name.toUpperCase()] || '';
}

function defaultPort(protocol: string): number {
	return protocol === 'https:' ? 443 : 80;
}

function bypassesProxy(target: URL, noProxy: string): boolean {
	if (noProxy === '') return false;
	if (noProxy.trim() === '*') return true;
	const hostname = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const port = Number(target.port) || defaultPort(target.protocol);
	return noProxy
		.split(/[,\s]+/)
		.filter(Boolean)
		.some((rawEntry) => {
			const entry = rawEntry.toLowerCase();
			const withPort = /^(.+):(\d+)$/.exec(entry);
			let host = (withPort ? withPort[1] : entry).replace(/^\[|\]$/g, '');
			if (withPort && Number(withPort[2]) !== port) return false;
			if (!/^[.*]/.test(host)) return hostname === host;
			if (host.startsWith('*')) host = host.slice(1);
			return hostname.endsWith(host);
		});
}

/** The proxy for `target`, or undefined to connect directly. */
export function proxyFor(target: URL, env: ProxyEnvironment): URL | undefined {
	if (bypassesProxy(target, variable(env, 'no_proxy'))) return undefined;
	const scheme = target.protocol.replace(/:$/, '');
	const configured = variable(env, `${scheme}_proxy`) || variable(env, 'all_proxy');
	if (configured === '') return undefined;
	const withScheme = configured.includes('://') ? configured : `${scheme}://${configured}`;
	if (!URL.canParse(withScheme)) {
		throw new HttpClientError(
			`The proxy set for ${scheme} requests (HTTPS_PROXY, HTTP_PROXY or ALL_PROXY) is not a URL`,
			{ notSent: true, permanent: true },
		);
	}
	const proxy = new URL(withScheme);
	if (proxy.protocol !== 'http:' && proxy.protocol !== 'https:') {
		throw new HttpClientError(
			`The proxy for ${scheme} requests is ${describeProxy(proxy)}: only http:// and https:// proxies are supported`,
			{ notSent: true, permanent: true },
		);
	}
	return proxy;
}

/** The proxy for messages and pool keys: scheme, host and port, never its user or password. */
export function describeProxy(proxy: URL): string {
	return `${proxy.protocol}//${proxy.host}`;
}
