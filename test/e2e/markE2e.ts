// Set for every e2e suite by jest.e2e.config.js: the suites run only there, never under `npm test`.
process.env.INVERS_E2E = '1';
