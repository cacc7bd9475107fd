// Lint exactly as n8n's community-node tooling does (the flat config of @n8n/node-cli, written out
// here so the package does not pull in the whole CLI): the community-nodes plugin's rules without
// n8n Cloud support (this package needs an AMQP client at runtime, so it cannot be a verified Cloud
// node), plus eslint-plugin-n8n-nodes-base's community, credentials and nodes rule sets.
import js from '@eslint/js';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const communityNodes = n8nCommunityNodesPlugin.configs.recommendedWithoutN8nCloudSupport;

export default tseslint.config(
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
	{
		files: ['**/*.ts'],
		extends: [js.configs.recommended, tseslint.configs.recommended],
		rules: {
			'no-console': 'error',
		},
	},
	{
		// The community-node rules judge what the package ships: nodes and credentials.
		files: ['nodes/**/*.ts', 'credentials/**/*.ts'],
		extends: [communityNodes],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
	},
	{
		files: ['package.json'],
		extends: [communityNodes],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.community.rules,
			// The one rule relaxed on purpose: the INVERS Events API speaks AMQP, which needs an AMQP
			// client (amqplib) at runtime, listed in "dependencies" so that n8n installs it with the
			// package. (luxon is only a devDependency: n8n ships it and puts its own node_modules on
			// the module path of community packages; n8n's scanner allows importing it.) This makes the package an unverified, self-hosted
			// community package; every other verified-node rule still applies.
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
		languageOptions: {
			parser: tseslint.parser,
			parserOptions: { extraFileExtensions: ['.json'] },
		},
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// This rule wants a camelCase slug, which only n8n's main repository can resolve (its own
			// description says so); the community rule credential-documentation-url requires a full
			// URL instead. The two cannot both pass: the community rule wins, as in @n8n/node-cli.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// These two want the string literal 'main'; the community rule node-connection-type-literal
			// forbids exactly that and wants NodeConnectionTypes.Main. They cannot both pass: the
			// newer community rule wins, as in @n8n/node-cli's own config.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
	{
		// Tests, the simulator and benchmarks are development tools, not node code: they may print.
		files: ['test/**/*.ts', 'simulator/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: { 'no-console': 'off' },
	},
);
