// Lint: TypeScript rules plus Nx module boundaries (see STYLE.md "Lessons from the anchors").
// - apps depend on libs; libs depend on libs only; tools depend on libs.
// - pure libs (scope:pure) depend only on pure libs and never touch the disk or processes;
//   their tests may also use tf-backend (scope:backend) to start a TensorFlow.js backend.
const nx = require('@nx/eslint-plugin');

const nodeSideEffects = ['fs', 'fs/promises', 'child_process', 'node:fs', 'node:fs/promises', 'node:child_process'];

module.exports = [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', 'data', 'runs', '.nx', 'coverage'] },
  {
    files: ['**/*.ts', '**/*.js'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:pure', onlyDependOnLibsWithTags: ['scope:pure'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The CLI imports every stage app's command (apps/cli/src/commands.ts), so Nx's graph has
    // them as its dependencies; no other project may import an app.
    files: ['apps/cli/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: ['@nextframe/extract-frames', '@nextframe/crop-clips', '@nextframe/train', '@nextframe/evaluate', '@nextframe/export'],
          depConstraints: [{ sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:app'] }],
        },
      ],
    },
  },
  {
    // Tests of pure libraries may start a TensorFlow.js backend (tf-backend) to run on.
    files: ['libs/**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:pure', onlyDependOnLibsWithTags: ['scope:pure', 'scope:backend'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The exported web page: plain browser scripts that index.html loads in order, sharing their
    // top-level functions as globals (no build step).
    files: ['apps/export/web/*.js'],
    languageOptions: { sourceType: 'script' },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { vars: 'local', argsIgnorePattern: '^_' }] },
  },
  {
    // Pure libraries: computations only.
    files: ['libs/errors/**/*.ts', 'libs/random/**/*.ts', 'libs/metrics/**/*.ts', 'libs/model/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: nodeSideEffects.map((name) => ({ name, message: 'pure libraries do not touch the disk or processes' })) },
      ],
    },
  },
];
