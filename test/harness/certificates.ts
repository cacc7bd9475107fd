/**
 * A certificate authority and a server certificate for `localhost` and 127.0.0.1, made at run time
 * with the openssl command line (never committed, valid for two days): what a TLS-inspecting proxy
 * or a company CA looks like to n8n. `caFile` is what NODE_EXTRA_CA_CERTS points to.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestCertificates {
	caFile: string;
	ca: string;
	key: string;
	cert: string;
	remove(): void;
}

export function makeCertificates(): TestCertificates {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'invers-tls-'));
	const file = (name: string) => path.join(dir, name);
	const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
	const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
	openssl(
		'req',
		'-x509',
		...ec,
		'-keyout',
		file('ca.key'),
		'-out',
		file('ca.crt'),
		'-days',
		'2',
		'-subj',
		'/CN=INVERS test CA',
	);
	openssl(
		'req',
		...ec,
		'-keyout',
		file('server.key'),
		'-out',
		file('server.csr'),
		'-subj',
		'/CN=localhost',
	);
	writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
	openssl(
		'x509',
		'-req',
		'-in',
		file('server.csr'),
		'-CA',
		file('ca.crt'),
		'-CAkey',
		file('ca.key'),
		'-CAcreateserial',
		'-out',
		file('server.crt'),
		'-days',
		'2',
		'-extfile',
		file('san.ext'),
	);
	return {
		caFile: file('ca.crt'),
		ca: readFileSync(file('ca.crt'), 'utf8'),
		key: readFileSync(file('server.key'), 'utf8'),
		cert: readFileSync(file('server.crt'), 'utf8'),
		remove: () => rmSync(dir, { recursive: true, force: true }),
	};
}
