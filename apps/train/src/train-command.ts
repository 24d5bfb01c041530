import type { Command } from '@nextframe/cli-kit';

/** Placeholder until issue #5 lands: help works, running says so and exits 1. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'Train the multi-scale generator (and discriminator) on a clip store.',
  usage: 'nextframe train --clips DIR -n NAME [options]',
  details: 'Not implemented yet: this stage arrives with issue #5.',
  options: {},
  allowUnknownOptions: true,
  async run() {
    process.stderr.write('nextframe train: not implemented yet (issue #5)\n');
    return 1;
  },
};
