/**
 * The floor of bench/network.ts, in a process of its own on n8n's Node.js: a plain https loop with
 * one kept-alive agent, asking for compressed pages as the package does, over every page of the
 * fleet. Its code runs warm, as n8n's does: a first pass is not timed. The timed pass starts on a
 * new agent, with a cold connection, as the package's after a pause.
 *
 *   node -r ts-node/register bench/networkFloor.ts <base URL> <token> <page size>
 *
 * Prints `ready` after the warm-up pass, waits for a line on stdin (the bench reads its counters
 * meanwhile), then prints {"ms":…,"items":…,"pages":…}.
 */
import https from 'node:https';
import zlib from 'node:zlib';

interface Page {
	items: unknown[];
	next_page_token?: string | null;
}

function get(agent: https.Agent, url: URL, token: string): Promise<Page> {
	return new Promise((resolve, reject) => {
		https
			.get(
				url,
				{
					agent,
					headers: {
						Authorization: `Bearer ${token}`,
						Accept: 'application/json',
						'Accept-Encoding': 'gzip, deflate, br',
					},
				},
				(response) => {
					const encoding = response.headers['content-encoding'];
					const body =
						encoding === 'br'
							? response.pipe(zlib.createBrotliDecompress())
							: encoding === 'gzip' || encoding === 'deflate'
								? response.pipe(zlib.createUnzip())
								: response;
					const chunks: Buffer[] = [];
					body.on('data', (chunk: Buffer) => chunks.push(chunk));
					body.on('error', reject);
					body.on('end', () => {
						if (response.statusCode !== 200) {
							reject(new Error(`HTTP ${response.statusCode} for ${url.pathname}`));
						} else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Page);
					});
				},
			)
			.on('error', reject);
	});
}

async function pass(baseUrl: string, token: string, pageSize: string) {
	const agent = new https.Agent({ keepAlive: true });
	const started = process.hrtime.bigint();
	let items = 0;
	let pages = 0;
	let pageToken: string | undefined;
	do {
		const url = new URL(`${baseUrl}/vehicles`);
		url.searchParams.set('limit', pageSize);
		if (pageToken) url.searchParams.set('page_token', pageToken);
		const page = await get(agent, url, token);
		items += page.items.length;
		pages++;
		pageToken = page.next_page_token ?? undefined;
	} while (pageToken);
	const ms = Number(process.hrtime.bigint() - started) / 1e6;
	agent.destroy();
	return { ms, items, pages };
}

async function main(): Promise<void> {
	const [baseUrl, token, pageSize] = process.argv.slice(2);
	await pass(baseUrl, token, pageSize);
	process.stdout.write('ready\n');
	await new Promise((resolve) => process.stdin.once('data', resolve));
	process.stdout.write(`${JSON.stringify(await pass(baseUrl, token, pageSize))}\n`);
	process.exit(0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
