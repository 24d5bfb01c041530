import type { Command } from '@nextframe/cli-kit';
import { cropCommand } from '@nextframe/crop-clips';
import { compareCommand, curveCommand, evaluateCommand } from '@nextframe/evaluate';
import { exportCommand } from '@nextframe/export';
import { extractCommand } from '@nextframe/extract-frames';
import { trainCommand } from '@nextframe/train';

/**
 * The stage commands, in pipeline order. Static imports, so Nx's project graph sees that the CLI
 * depends on every stage app (`nx graph`, `nx affected`); loading them all costs the `nextframe`
 * command about 0.6 s more start-up than loading one (1.0 s against 0.4 s for `nextframe extract --help`).
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  extract: extractCommand,
  crop: cropCommand,
  train: trainCommand,
  evaluate: evaluateCommand,
  compare: compareCommand,
  curve: curveCommand,
  export: exportCommand,
};
