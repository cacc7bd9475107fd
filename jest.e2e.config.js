/**
 * End-to-end tests: the packed package inside a real n8n 2.41.1 (Node 24, from the cache folder
 * that `npm start` fills), the OneAPI simulator, the local RabbitMQ, PostgreSQL and Redis.
 * `npm run test:e2e` builds first; the suites run one after another (each starts n8n processes).
 */
/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.ts'],
	globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
	globalTeardown: '<rootDir>/test/e2e/globalTeardown.ts',
	setupFiles: ['<rootDir>/test/e2e/markE2e.ts'],
	maxWorkers: 1,
	testTimeout: 180000,
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
};
