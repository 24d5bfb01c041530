import { NextframeError, UsageError, formatError, exitCodeOf } from './index';

class FrameSizeMismatchError extends NextframeError {}

describe('formatError', () => {
  it('prints a nextframe error as one line naming the file', () => {
    const error = new FrameSizeMismatchError('frame 12 is 64x48,\n  expected 64x64', { file: 'data/a/000012.png' });
    expect(formatError(error)).toBe('error: data/a/000012.png: frame 12 is 64x48, expected 64x64');
    expect(error.name).toBe('FrameSizeMismatchError');
    expect(exitCodeOf(error)).toBe(1);
  });

  it('uses exit code 2 for usage errors', () => {
    expect(exitCodeOf(new UsageError('unknown option --fsp'))).toBe(2);
    expect(formatError(new UsageError('unknown option --fsp'))).toBe('error: unknown option --fsp');
  });

  it('names the type of an unexpected error and keeps the stack only when verbose', () => {
    const bug = new TypeError('x is undefined');
    expect(formatError(bug)).toBe('error: TypeError: x is undefined (run with --verbose for the stack trace)');
    expect(formatError(bug, true)).toContain('at ');
    expect(formatError('plain string thrown')).toBe('error: plain string thrown');
    expect(exitCodeOf(bug)).toBe(1);
  });
});
