import type { Command } from '@nextframe/cli-kit';

/** Placeholder until issue #3 lands: help works, running says so and exits 1. */
export const cropCommand: Command = {
  name: 'crop',
  summary: 'Crop random, movement-filtered clips from frame folders into Arrow shards.',
  usage: 'nextframe crop --frames DIR --out CLIPS -n N [options]',
  details: 'Not implemented yet: this stage arrives with issue #3.',
  options: {},
  allowUnknownOptions: true,
  async run() {
    process.stderr.write('nextframe crop: not implemented yet (issue #3)\n');
    return 1;
  },
};
