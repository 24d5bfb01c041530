import * as path from 'node:path';
import { RUN_LAYOUT } from '@nextframe/manifest/run-layout';

/** A run's checkpoints live in `runs/<name>/checkpoints/` (the run layout of libs/manifest). */
export const CHECKPOINTS_FOLDER = RUN_LAYOUT.checkpoints;

const NAME = /^step-(\d{9})$/;

/** `step-000001000`: a checkpoint folder's name, nine digits so that names sort as steps do. */
export function checkpointName(step: number): string {
  return `step-${String(step).padStart(9, '0')}`;
}

/** The step a checkpoint folder's name stands for, or undefined for any other name. */
export function checkpointStep(name: string): number | undefined {
  const match = NAME.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** `<runDir>/checkpoints/step-NNNNNNNNN`. */
export function checkpointFolder(runDir: string, step: number): string {
  return path.join(runDir, CHECKPOINTS_FOLDER, checkpointName(step));
}
