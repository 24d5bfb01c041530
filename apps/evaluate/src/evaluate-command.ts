import type { Command } from '@nextframe/cli-kit';

/** Placeholder until issue #6 lands: help works, running says so and exits 1. */
export const evaluateCommand: Command = {
  name: 'evaluate',
  summary: 'Evaluate recursive predictions of a trained model on test frames.',
  usage: 'nextframe evaluate -n NAME -t TEST_DIR [options]',
  details: 'Not implemented yet: this stage arrives with issue #6.',
  options: {},
  allowUnknownOptions: true,
  async run() {
    process.stderr.write('nextframe evaluate: not implemented yet (issue #6)\n');
    return 1;
  },
};
