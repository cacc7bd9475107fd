#!/usr/bin/env node
// Runs n8n's community-package scanner (@n8n/scan-community-package, pinned in scripts/scanner/)
// offline, the way n8n's gate scans a published package, on:
//   1. the source: this repository folder, with the scanner's SOURCE_FILE_PATTERNS
//      (package.json and nodes/credentials sources), as the gate lints the attested source checkout;
//   2. the tarball: `npm pack` output unpacked to a temporary folder, with the compiled `.js`
//      files and the published package.json, as the gate lints the downloaded package.
// The scanner's own CLI cannot be used: it fetches the package, its provenance attestation and its
// GitHub source over the network. Its exported `analyzePackage(dir, patterns)` is fully local.
//
// It does not build: `npm run scan` runs `npm run build` first. Run directly, dist/ must be current.
//
// Exit codes: 0 = no findings other than the allowed one; 1 = findings; 2 = the scan could not run.
//
// The expected findings are @n8n/community-nodes/no-runtime-dependencies on package.json and the
// import of amqplib in its one module, and only while "dependencies" is exactly amqplib: the
// INVERS Events API speaks AMQP, so the package ships an AMQP client (see eslint.config.mjs). They
// keep the package from n8n's verification (and n8n Cloud), not from self-hosted n8n, and are
// printed as such, never dropped. (luxon is only a devDependency: n8n provides it at run time,
// and the scanner allows importing it.) Also expected: the HTTP client's imports of Node's own
// http, https, net, tls, stream and zlib modules in nodes/shared/transport/http, and its reading
// of process.env (the proxy variables) in that folder's environment module (HTTP_CLIENT_FOLDERS).
// n8n Cloud refuses those as it refuses amqplib; self-hosted n8n runs them.
// Any other finding fails; warnings too: the gate lets them pass, this script does not.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scannerPrefix = path.join(repoRoot, 'scripts', 'scanner');
const SCANNER_PACKAGE = '@n8n/scan-community-package';
const SCANNER_VERSION = '0.32.0';
const scannerPackageDir = path.join(scannerPrefix, 'node_modules', SCANNER_PACKAGE);
const scannerModulePath = path.join(scannerPackageDir, 'scanner', 'scanner.mjs');

const RESTRICTED_IMPORTS_RULE = '@n8n/community-nodes/no-restricted-imports';
const RUNTIME_DEPENDENCIES_RULE = '@n8n/community-nodes/no-runtime-dependencies';
const ALLOWED_RUNTIME_DEPENDENCIES = ['amqplib'];
const EXPECTED = 'expected for a self-hosted, unverified package';

// The gate scopes the tarball leg to compiled code and the published manifest (see
// analyzePackageByName in scanner.mjs): `.d.ts` and codex files only false-positive there.
const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

class ScanSetupError extends Error {}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { encoding: 'utf8', ...options });
	if (result.error)
		throw new ScanSetupError(`${command} ${args.join(' ')}: ${result.error.message}`);
	if (result.status !== 0) {
		throw new ScanSetupError(
			`${command} ${args.join(' ')} exited with ${result.status}\n${result.stderr ?? ''}`.trim(),
		);
	}
	return result.stdout;
}

function installedScannerVersion() {
	try {
		return JSON.parse(fs.readFileSync(path.join(scannerPackageDir, 'package.json'), 'utf8'))
			.version;
	} catch {
		return undefined;
	}
}

// The scanner lives in a folder of its own: it pins its own eslint and typescript, which must not
// meet the package's. Its dependency tree only installs without scripts (a preinstall insists on
// pnpm), and nothing in it needs an install script to lint.
function ensureScanner() {
	if (installedScannerVersion() === SCANNER_VERSION) return;
	console.log(`Installing ${SCANNER_PACKAGE}@${SCANNER_VERSION} into scripts/scanner (first use)`);
	run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', scannerPrefix], {
		cwd: repoRoot,
		stdio: 'inherit',
	});
	const version = installedScannerVersion();
	if (version !== SCANNER_VERSION) {
		throw new ScanSetupError(
			`scripts/scanner installed ${SCANNER_PACKAGE}@${version}, expected ${SCANNER_VERSION}`,
		);
	}
}

function packAndUnpack(workDir) {
	// --json gives the tarball's name and file list without parsing npm's human output.
	const [pack] = JSON.parse(
		run('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: repoRoot }),
	);
	const unpackedDir = path.join(workDir, 'package');
	fs.mkdirSync(unpackedDir);
	// Same extraction as the scanner's own download path.
	run('tar', [
		'-xzf',
		path.join(workDir, pack.filename),
		'-C',
		unpackedDir,
		'--strip-components=1',
	]);
	return { unpackedDir, pack };
}

// Without dist/ the tarball holds only package.json and README, and its leg would pass vacuously.
function assertTarballHasEveryRegisteredFile(unpackedDir) {
	const manifest = JSON.parse(fs.readFileSync(path.join(unpackedDir, 'package.json'), 'utf8'));
	const registered = [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])];
	const missing = registered.filter((file) => !fs.existsSync(path.join(unpackedDir, file)));
	if (registered.length === 0 || missing.length > 0) {
		throw new ScanSetupError(
			`The packed package lacks files listed in package.json "n8n" (${missing.join(', ') || 'none listed'}): run npm run build first`,
		);
	}
}

async function loadScanner() {
	// Resolve eslint, fast-glob and tmp from the scanner's own location so that the same module
	// instances it uses are the ones used here.
	const requireFromScanner = createRequire(scannerModulePath);
	// Importing scanner.mjs creates a temporary folder (for its download path, unused here) that tmp
	// only removes at exit once graceful cleanup is on.
	requireFromScanner('tmp').setGracefulCleanup();
	const scanner = await import(pathToFileURL(scannerModulePath).href);
	const { ESLint } = await import(pathToFileURL(requireFromScanner.resolve('eslint')).href);
	const glob = requireFromScanner('fast-glob');
	return { scanner, ESLint, glob };
}

// analyzePackage only returns { passed, message, details: stylish text }, which cannot be matched
// against the allowed finding reliably. This repeats its lint with exactly its options and its own
// exported config (buildScanConfig) to get structured messages; crossCheck() then insists both
// runs agree, so a scanner change cannot make this script drift from the gate unnoticed.
async function lintLikeAnalyzePackage({ scanner, ESLint, glob }, packageDir, filePatterns) {
	const eslint = new ESLint({
		cwd: packageDir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const files = glob.sync(filePatterns, {
		cwd: packageDir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	if (files.length === 0) throw new ScanSetupError(`No files to scan in ${packageDir}`);
	return { files, results: await eslint.lintFiles(files) };
}

function crossCheck(legName, verdict, findings) {
	if (verdict.error) {
		throw new ScanSetupError(`${legName}: analyzePackage failed: ${verdict.message}`);
	}
	const errors = findings.filter((finding) => finding.severity === 'error').length;
	const warnings = findings.length - errors;
	// The gate fails on errors only; its stylish details then list every problem with a total.
	const agrees = verdict.passed
		? errors === 0
		: errors > 0 &&
			new RegExp(`\\(${errors} errors?, ${warnings} warnings?\\)`).test(verdict.details ?? '');
	if (!agrees) {
		throw new ScanSetupError(
			`${legName}: analyzePackage (passed=${verdict.passed}) disagrees with the structured lint ` +
				`(${errors} errors, ${warnings} warnings):\n${verdict.details ?? verdict.message ?? ''}`,
		);
	}
}

function toFindings(results, packageDir) {
	return results.flatMap((result) =>
		result.messages.map((message) => ({
			file: path.relative(packageDir, result.filePath),
			line: message.line ?? 0,
			column: message.column ?? 0,
			severity: message.severity === 2 ? 'error' : 'warning',
			// Parse errors carry no rule id.
			rule: message.ruleId ?? (message.fatal ? 'parse-error' : 'unknown'),
			message: message.message,
		})),
	);
}

function runtimeDependencies(packageDir) {
	const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
	return Object.keys(manifest.dependencies ?? {}).sort();
}

const RESTRICTED_GLOBALS_RULE = '@n8n/community-nodes/no-restricted-globals';

/**
 * The package's own HTTP client (nodes/shared/transport/http): n8n's request helper opens a new
 * connection for every request and lets a node keep none, so the client keeps connections itself
 * with Node's http, https, net, tls, stream and zlib modules, and reads the proxy variables n8n
 * honours from `process.env` in one module (docs/nodes.md, "Connections"). Only those imports, in
 * that folder, and only `process`, in that module, are expected.
 */
const HTTP_CLIENT_FOLDERS = ['nodes/shared/transport/http/', 'dist/nodes/shared/transport/http/'];
const HTTP_CLIENT_BUILTINS =
	/^(Import|Require) of 'node:(http|https|net|tls|stream|zlib)' is not allowed/;
const HTTP_CLIENT_ENVIRONMENT = [
	'nodes/shared/transport/http/environment.ts',
	'dist/nodes/shared/transport/http/environment.js',
];

function isHttpClientFinding(finding) {
	if (finding.rule === RESTRICTED_IMPORTS_RULE) {
		return (
			HTTP_CLIENT_FOLDERS.some((folder) => finding.file.startsWith(folder)) &&
			HTTP_CLIENT_BUILTINS.test(finding.message)
		);
	}
	return (
		finding.rule === RESTRICTED_GLOBALS_RULE &&
		HTTP_CLIENT_ENVIRONMENT.includes(finding.file) &&
		finding.message === "Use of restricted global 'process' is not allowed"
	);
}

/** The one module allowed to import the AMQP client (source and compiled form). */
const AMQP_CLIENT_MODULES = [
	'nodes/InversTrigger/amqp/amqplib.ts',
	'dist/nodes/InversTrigger/amqp/amqplib.js',
];

function isAllowed(finding, packageDir) {
	if (isHttpClientFinding(finding)) return true;
	// Allowed only for the documented pair: a new runtime dependency must be a new decision.
	const documented =
		runtimeDependencies(packageDir).join(',') ===
		[...ALLOWED_RUNTIME_DEPENDENCIES].sort().join(',');
	if (!documented) return false;
	if (finding.rule === RUNTIME_DEPENDENCIES_RULE) return finding.file === 'package.json';
	// The Cloud rule's side of the same exception: importing the AMQP client, in its one module.
	return (
		finding.rule === RESTRICTED_IMPORTS_RULE &&
		AMQP_CLIENT_MODULES.includes(finding.file) &&
		/^(Import|Require|Dynamic import) of 'amqplib' is not allowed/.test(finding.message)
	);
}

async function scanLeg(tools, leg) {
	const verdict = await tools.scanner.analyzePackage(leg.dir, leg.patterns);
	const { files, results } = await lintLikeAnalyzePackage(tools, leg.dir, leg.patterns);
	const findings = toFindings(results, leg.dir);
	crossCheck(leg.name, verdict, findings);
	return {
		...leg,
		fileCount: files.length,
		findings: findings.map((finding) => ({ ...finding, allowed: isAllowed(finding, leg.dir) })),
	};
}

function report(scanned) {
	for (const leg of scanned) {
		console.log(`\n== ${leg.name}: ${leg.description} (${leg.fileCount} files linted)`);
		if (leg.findings.length === 0) console.log('   no findings');
		for (const f of leg.findings) {
			const label = f.allowed ? `${f.severity} (${EXPECTED})` : f.severity;
			console.log(`   ${f.file}:${f.line}:${f.column} ${label} ${f.rule} ${f.message}`);
		}
	}

	const blocking = scanned.flatMap((leg) => leg.findings.filter((f) => !f.allowed));
	const allowedIn = scanned.filter((leg) => leg.findings.some((f) => f.allowed));
	console.log('\n== Summary');
	for (const leg of scanned) {
		const errors = leg.findings.filter((f) => !f.allowed && f.severity === 'error').length;
		const warnings = leg.findings.filter((f) => !f.allowed && f.severity === 'warning').length;
		console.log(`   ${leg.name}: ${errors} errors, ${warnings} warnings unexpected`);
	}
	const expected = scanned.flatMap((leg) => leg.findings.filter((f) => f.allowed));
	if (allowedIn.length > 0) {
		const httpClient = expected.filter(isHttpClientFinding).length;
		console.log(
			`   ${expected.length - httpClient} findings ${EXPECTED}: the runtime dependency ` +
				`${ALLOWED_RUNTIME_DEPENDENCIES.join(', ')} and its import (the Events API is AMQP), ` +
				`in ${allowedIn.map((leg) => leg.name).join(' and ')}. n8n's verification (and n8n Cloud) ` +
				`would refuse the package for them; self-hosted n8n installs it as an unverified package.`,
		);
		console.log(
			`   ${httpClient} findings ${EXPECTED}: the package's HTTP client keeps connections with ` +
				"Node's own modules (nodes/shared/transport/http) and reads the proxy variables from " +
				'process.env; n8n Cloud would refuse them too, self-hosted n8n runs them.',
		);
	}
	for (const leg of scanned) {
		const refused = leg.findings.some((f) => f.rule === RUNTIME_DEPENDENCIES_RULE && !f.allowed);
		if (refused) {
			console.log(
				`   ${leg.name}: runtime dependencies are ${runtimeDependencies(leg.dir).join(', ')}; ` +
					`only ${ALLOWED_RUNTIME_DEPENDENCIES.join(', ')} are allowed`,
			);
		}
	}
	if (blocking.length > 0) {
		const byRule = new Map();
		for (const f of blocking) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
		for (const [rule, count] of byRule) console.log(`   ${count} x ${rule}`);
		console.log(`   FAILED: ${blocking.length} findings besides the expected ones`);
	} else {
		console.log(
			`   OK for self-hosted n8n: no findings besides the ${expected.length} expected ones ` +
				'(not verifiable as it stands)',
		);
	}
	return blocking.length === 0;
}

async function main() {
	if (!fs.existsSync(path.join(repoRoot, 'dist'))) {
		throw new ScanSetupError('dist/ does not exist: run npm run build first (npm run scan does)');
	}
	ensureScanner();
	const tools = await loadScanner();

	const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'invers-scan-'));
	try {
		const { unpackedDir, pack } = packAndUnpack(workDir);
		assertTarballHasEveryRegisteredFile(unpackedDir);
		const legs = [
			{
				name: 'source',
				description: `repository folder ${repoRoot}`,
				dir: repoRoot,
				patterns: tools.scanner.SOURCE_FILE_PATTERNS,
			},
			{
				name: 'tarball',
				description: `${pack.filename} unpacked`,
				dir: unpackedDir,
				patterns: TARBALL_FILE_PATTERNS,
			},
		];
		console.log(`Scanning with ${SCANNER_PACKAGE}@${SCANNER_VERSION} analyzePackage (offline)`);
		const scanned = [];
		for (const leg of legs) scanned.push(await scanLeg(tools, leg));
		return report(scanned) ? 0 : 1;
	} finally {
		fs.rmSync(workDir, { recursive: true, force: true });
	}
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error) => {
		console.error(error instanceof ScanSetupError ? `scan could not run: ${error.message}` : error);
		process.exitCode = 2;
	},
);
