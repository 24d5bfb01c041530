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
    '^@nextframe/([a-z-]+)$': path.join(root, 'libs/$1/src/index.ts'),
  },
  // Real ffmpeg and sharp work takes seconds, not milliseconds.
  testTimeout: 120000,
};
