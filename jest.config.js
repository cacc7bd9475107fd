/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test', '<rootDir>/simulator'],
	testMatch: ['**/*.test.ts'],
	// The end-to-end suite runs real n8n: `npm run test:e2e`, with its own config.
	testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
	// The suites share one RabbitMQ and a 2-core machine: modest parallelism keeps them stable.
	setupFiles: ['<rootDir>/test/harness/quietN8n.ts'],
	maxWorkers: 2,
	testTimeout: 30000,
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
	},
};
