// The project's end-to-end specs (*.e2e-spec.ts: real Chromium or real Nx in a copy of the
// workspace), run by its `e2e` target; `npm test` runs them after the unit tests' `test` target.
module.exports = {
  displayName: 'export-e2e',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/**/*.e2e-spec.ts'],
};
