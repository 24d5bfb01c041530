import { exitCodeOf, formatError } from '@nextframe/errors';
import { formatHelp, parseCommand, type CommandSpec, type ParsedCommand } from './command';

export interface Command extends CommandSpec {
  /** Does the work; resolves to the exit code (0 when omitted). */
  run(parsed: ParsedCommand): Promise<number | void>;
}

/**
 * Run a command the way every nextframe command runs: `--help` prints help; errors print as one
 * line on stderr (stack only with `--verbose`) and set a non-zero exit code.
 */
export async function runCli(command: Command, argv: readonly string[]): Promise<number> {
  let verbose = argv.includes('--verbose');
  try {
    const parsed = parseCommand(command, argv);
    verbose = parsed.verbose;
    if (parsed.help) {
      process.stdout.write(formatHelp(command));
      return 0;
    }
    return (await command.run(parsed)) ?? 0;
  } catch (error) {
    process.stderr.write(`${formatError(error, verbose)}\n`);
    return exitCodeOf(error);
  }
}
