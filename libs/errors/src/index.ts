export { NextframeError, UsageError } from './nextframe-error';
export { formatError, exitCodeOf } from './format-error';
