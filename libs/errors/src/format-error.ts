import { isNoSpaceError } from './disk-full';
import { NextframeError } from './nextframe-error';

/**
 * One line for a user: `error: file: problem`. Unexpected errors (bugs) keep their stack trace
 * when `verbose` is set, and name their type otherwise so a bug report can be filed.
 */
export function formatError(error: unknown, verbose = false): string {
  if (error instanceof NextframeError) {
    const line = `error: ${error.oneLine()}`;
    return verbose && error.stack ? `${line}\n${error.stack}` : line;
  }
  if (isNoSpaceError(error) && !verbose) {
    // (Not `instanceof Error`: system errors may come from another realm, e.g. under jest.)
    // A write nextframe did not wrap in guardWrite: still one line, with the path when Node knows it.
    const file = (error as { path?: unknown }).path;
    return `error: ${typeof file === 'string' ? `${file}: ` : ''}no space left on device (${(error as { code?: string }).code}); free some space and run again`;
  }
  if (error instanceof Error) {
    if (verbose && error.stack) return `error: ${error.stack}`;
    const text = error.message.replace(/\s*\n\s*/g, ' ').trim();
    return `error: ${error.name}: ${text} (run with --verbose for the stack trace)`;
  }
  return `error: ${String(error)}`;
}

/** The exit code for an error: its own for nextframe errors, 1 for anything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof NextframeError ? error.exitCode : 1;
}
