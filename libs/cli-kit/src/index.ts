export { parseCommand, formatHelp, type CommandSpec, type OptionSpec, type ParsedCommand } from './command';
export { numberOption, sizeOption, timeOption } from './option-values';
export { createProgress, formatSeconds, type Progress, type ProgressOptions } from './progress';
export { runCli, type Command } from './run-cli';
