/**
 * The passes the Get Many benchmarks compare: all of a simulated fleet through the node (Get Many,
 * Return All, in n8n's engine), or through a plain paged loop that keeps the same items.
 */
import http from 'node:http';

import { management } from '../test/harness/params';
import { runNode, TestCredentials } from '../test/harness/workflowRunner';

export type PageFetch = (url: URL, token: string) => Promise<unknown>;

/** fetch: one kept-alive connection for all pages. */
export const fetchPage: PageFetch = async (url, token) =>
	await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).json();

/** node:http without an agent: a new connection per page, as n8n's request helper opens them. */
export const freshConnectionPage: PageFetch = async (url, token) =>
	await new Promise((resolve, reject) => {
		http
			.get(url, { agent: false, headers: { Authorization: `Bearer ${token}` } }, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('error', reject);
				response.on('end', () => {
					try {
						resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
					} catch (error) {
						reject(error);
					}
				});
			})
			.on('error', reject);
	});

/** A plain loop: a token, then every page, keeping the items. Returns how many. */
export async function plainLoop(baseUrl: string, getPage: PageFetch): Promise<number> {
	const basic = Buffer.from('demo#client:demo-secret').toString('base64');
	const tokenResponse = await fetch(`${baseUrl}/auth/oauth/token?grant_type=client_credentials`, {
		method: 'POST',
		headers: { Authorization: `Basic ${basic}` },
	});
	const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
	const items: unknown[] = [];
	let pageToken: string | undefined;
	do {
		const url = new URL(`${baseUrl}/vehicles`);
		url.searchParams.set('limit', '100');
		if (pageToken) url.searchParams.set('page_token', pageToken);
		const page = (await getPage(url, token)) as { items: unknown[]; next_page_token?: string };
		for (const item of page.items) items.push(item);
		pageToken = page.next_page_token ?? undefined;
	} while (pageToken);
	return items.length;
}

/** The node: Get Many with Return All, run by n8n's engine. Returns how many items it output. */
export async function throughNode(baseUrl: string): Promise<number> {
	const credentials = new TestCredentials({
		baseUrl,
		clientId: 'demo#client',
		clientSecret: 'demo-secret',
	});
	const { items, error } = await runNode({
		node: 'inversVehicleManagement',
		parameters: management('getMany', { returnAll: true }),
		credentials,
	});
	if (error) throw error;
	return items.length;
}
