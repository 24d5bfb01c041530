/**
 * Prints a runtime cache input of the dataset projects' targets (tools/nx-datasets):
 *   node --require tsx/cjs tools/workspace-scripts/src/print-source-fingerprint.ts ffmpeg
 *   node --require tsx/cjs tools/workspace-scripts/src/print-source-fingerprint.ts videos NAME
 */
import { findWorkspaceRoot } from '@nextframe/manifest';
import { currentFfmpeg, videoFilesFingerprint } from './source-fingerprint';

const [what, name] = process.argv.slice(2);
if (what === 'ffmpeg') {
  process.stdout.write(`${currentFfmpeg()}\n`);
} else if (what === 'videos' && name) {
  videoFilesFingerprint(name, findWorkspaceRoot()).then((fingerprint) => process.stdout.write(`${JSON.stringify(fingerprint)}\n`));
} else {
  process.stderr.write('usage: print-source-fingerprint.ts ffmpeg | videos NAME\n');
  process.exit(2);
}
