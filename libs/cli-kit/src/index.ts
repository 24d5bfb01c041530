export { parseCommand, formatHelp, type CommandSpec, type OptionSpec, type ParsedCommand } from './command';
export { BACKEND_OPTIONS, numberOption, sizeOption, stringValues, timeOption } from './option-values';
export { createProgress, formatSeconds, type Progress, type ProgressOptions } from './progress';
export { runCli, type Command } from './run-cli';
export { setting, settingDefault, settingOptions, settingsFromFlags, type Setting, type SettingFlag, type SettingTable } from './settings';
