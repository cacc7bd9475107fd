/** A minimal HTTP client for the simulator's own tests (global fetch, no dependencies). */
import { TOKEN_PATH } from './apiNames';

export interface ApiResponse {
	status: number;
	headers: Headers;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
	body: any;
	text: string;
}

export interface RequestOptions {
	token?: string;
	body?: unknown;
	/** Sent as is (e.g. broken JSON), with Content-Type application/json. */
	rawBody?: string;
	headers?: Record<string, string>;
}

export function basicAuth(clientId: string, clientSecret: string): string {
	return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

export class TestClient {
	constructor(readonly baseUrl: string) {}

	async token(clientId = 'demo#client', clientSecret = 'demo-secret'): Promise<string> {
		const response = await this.request('POST', TOKEN_PATH, {
			headers: { Authorization: basicAuth(clientId, clientSecret) },
		});
		if (response.status !== 200) throw new Error(`token request failed: ${response.text}`);
		return response.body.access_token;
	}

	async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
		const headers: Record<string, string> = { ...options.headers };
		if (options.token) headers.Authorization = `Bearer ${options.token}`;
		let body: string | undefined;
		if (options.body !== undefined || options.rawBody !== undefined) {
			headers['Content-Type'] = 'application/json';
			body = options.rawBody ?? JSON.stringify(options.body);
		}
		// Redirects are answers to look at (redirect faults), not to follow.
		const response = await fetch(this.baseUrl + path, {
			method,
			headers,
			body,
			redirect: 'manual',
		});
		const text = await response.text();
		const contentType = response.headers.get('content-type') ?? '';
		return {
			status: response.status,
			headers: response.headers,
			body: /json/.test(contentType) && text ? JSON.parse(text) : undefined,
			text,
		};
	}
}
