import { runCli } from '@nextframe/cli-kit';
import { COMMANDS } from './commands';

/** The command list: `nextframe`, `nextframe --help`. */
export function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(10)}${command.summary}`);
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

/** `nextframe <command> [options]`: the exit code. */
export async function main(argv: readonly string[], version: string): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === '-H' || name === 'help') {
    if (name === 'help' && rest[0] && Object.hasOwn(COMMANDS, rest[0])) return main([rest[0], '--help'], version);
    process.stdout.write(usage());
    return 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    process.stderr.write(`error: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  return runCli(COMMANDS[name], rest);
}
