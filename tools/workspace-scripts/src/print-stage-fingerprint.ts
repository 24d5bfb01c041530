/**
 * Prints a stage's cache fingerprint for Nx `runtime` inputs:
 *   node --require tsx/cjs tools/workspace-scripts/src/print-stage-fingerprint.ts extract
 */
import { findWorkspaceRoot } from '@nextframe/manifest';
import { stageFingerprint, type Stage } from './stage-fingerprint';

const stage = process.argv[2] as Stage;
if (!['generate', 'extract', 'crop', 'train', 'evaluate'].includes(stage)) {
  process.stderr.write(`usage: print-stage-fingerprint.ts generate|extract|crop|train|evaluate (got '${stage}')\n`);
  process.exit(2);
}
stageFingerprint(stage, findWorkspaceRoot()).then((fingerprint) => process.stdout.write(`${JSON.stringify(fingerprint)}\n`));
