#!/usr/bin/env node
// The `nextframe` command (apps/cli/src/main.ts). TypeScript sources run through tsx (esbuild),
// so there is no build step between editing a stage and running it.
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
process.env.TSX_TSCONFIG_PATH = process.env.TSX_TSCONFIG_PATH || path.join(root, 'tsconfig.json');
require(require.resolve('tsx/cjs/api', { paths: [root] })).register();

const { main } = require(path.join(__dirname, '..', 'src', 'main.ts'));
main(process.argv.slice(2), require(path.join(__dirname, '..', 'package.json')).version).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
