// Shared Jest settings for every project: TypeScript through ts-jest (transpile only; `npm test`
// type-checks the whole workspace with tsc first), Node environment, workspace path aliases.
const path = require('node:path');

const root = __dirname;

module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/**/*.spec.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(root, 'tsconfig.base.json') }],
  },
  moduleNameMapper: {
    '^@nextframe/([a-z-]+)/testing$': path.join(root, 'libs/$1/src/testing.ts'),
    '^@nextframe/manifest/run-layout$': path.join(root, 'libs/manifest/src/run-layout.ts'),
    // The stage apps, which only the CLI imports (apps/cli/src/commands.ts).
    '^@nextframe/(extract-frames|crop-clips|train|evaluate|export)$': path.join(root, 'apps/$1/src/index.ts'),
    '^@nextframe/([a-z-]+)$': path.join(root, 'libs/$1/src/index.ts'),
  },
  // Real ffmpeg and sharp work takes seconds, not milliseconds.
  testTimeout: 120000,
};
