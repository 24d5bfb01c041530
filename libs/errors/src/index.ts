export { NextframeError, UsageError } from './nextframe-error';
export { DiskFullError, guardWrite, isNoSpaceError } from './disk-full';
export { formatError, exitCodeOf } from './format-error';
