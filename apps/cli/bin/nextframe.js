#!/usr/bin/env node
// The `nextframe` command: dispatches to each stage's command. TypeScript sources run through
// tsx (esbuild), so there is no build step between editing a stage and running it.
'use strict';
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
process.env.TSX_TSCONFIG_PATH = process.env.TSX_TSCONFIG_PATH || path.join(root, 'tsconfig.json');
require(require.resolve('tsx/cjs/api', { paths: [root] })).register();

/** command → [module under the workspace root, export name] */
const COMMANDS = {
  extract: ['apps/extract-frames/src/extract-command.ts', 'extractCommand'],
  crop: ['apps/crop-clips/src/crop-command.ts', 'cropCommand'],
  train: ['apps/train/src/train-command.ts', 'trainCommand'],
  evaluate: ['apps/evaluate/src/evaluate-command.ts', 'evaluateCommand'],
  compare: ['apps/evaluate/src/compare-command.ts', 'compareCommand'],
  curve: ['apps/evaluate/src/curve-command.ts', 'curveCommand'],
  export: ['apps/export/src/export-command.ts', 'exportCommand'],
};

function load(name) {
  const [file, exported] = COMMANDS[name];
  return require(path.join(root, file))[exported];
}

function usage() {
  const rows = Object.keys(COMMANDS).map((name) => `  ${name.padEnd(10)}${load(name).summary}`);
  return [
    'Usage: nextframe <command> [options]',
    '',
    'Learn to predict the next frames of a video (Mathieu, Couprie & LeCun, ICLR 2016).',
    '',
    'Commands:',
    ...rows,
    '',
    "Run 'nextframe <command> --help' for a command's options.",
    '',
  ].join('\n');
}

async function main(argv) {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === '-H' || name === 'help') {
    if (name === 'help' && rest[0] && COMMANDS[rest[0]]) return main([rest[0], '--help']);
    process.stdout.write(usage());
    return 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${require(path.join(__dirname, '..', 'package.json')).version}\n`);
    return 0;
  }
  if (!Object.prototype.hasOwnProperty.call(COMMANDS, name)) {
    process.stderr.write(`error: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  const { runCli } = require(path.join(root, 'libs/cli-kit/src/index.ts'));
  return runCli(load(name), rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`error: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);
