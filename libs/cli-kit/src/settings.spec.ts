import { z } from 'zod';
import { formatHelp, parseCommand, type CommandSpec } from './command';
import { setting, settingDefault, settingOptions, settingsFromFlags } from './settings';

const table = {
  steps: setting(z.int().min(1).default(500).describe('train until this many steps are done'), { name: 'steps', short: 's', valueName: 'N' }),
  rate: setting(z.number().positive().max(1).default(0.5).describe('a rate'), { name: 'learning_rate', aliases: ['learning-rate'], valueName: 'R' }),
  mode: setting(z.union([z.boolean(), z.enum(['t', 'f'])]).default('t').describe('on or off'), { name: 'mode', short: 'm', valueName: 't|f' }),
  shape: setting(z.enum(['square', 'round', 'flat']).optional().describe('no default'), { name: 'shape', valueName: 'NAME' }),
  hidden: setting(z.record(z.string(), z.unknown()).optional().describe('manifest only')),
};

const spec: CommandSpec = { name: 'try', summary: 'a command', usage: 'try', options: settingOptions(table) };
const fromFlags = (...argv: string[]) => settingsFromFlags(table, parseCommand(spec, argv));

describe('settingOptions', () => {
  it('makes one option per flagged setting: its description, its spellings and its default', () => {
    expect(spec.options).toEqual({
      steps: { type: 'string', description: 'train until this many steps are done', valueName: 'N', short: 's', defaultText: '500' },
      learning_rate: { type: 'string', description: 'a rate', valueName: 'R', aliases: ['learning-rate'], defaultText: '0.5' },
      mode: { type: 'string', description: 'on or off', valueName: 't|f', short: 'm', defaultText: 't' },
      shape: { type: 'string', description: 'no default', valueName: 'NAME' },
    });
    expect(formatHelp(spec)).toMatch(/ {2}--learning_rate, --learning-rate R\s+a rate \(default: 0.5\)/);
  });

  it('reads defaults from the schemas', () => {
    expect(settingDefault(table.steps)).toBe(500);
    expect(settingDefault(table.shape)).toBeUndefined();
  });
});

describe('settingsFromFlags', () => {
  it('gives only what was set, keyed by setting, as the schema wants it', () => {
    expect(fromFlags()).toEqual({});
    expect(fromFlags('-s', '20', '--learning-rate', '0.25', '-m', 'f', '--shape', 'round')).toEqual({ steps: 20, rate: 0.25, mode: 'f', shape: 'round' });
  });

  it('refuses a bad value in words that name the flag', () => {
    for (const [argv, message] of [
      [['-s', '0'], "-s/--steps must be at least 1, got '0'"],
      [['-s', '2.5'], "-s/--steps must be an integer, got '2.5'"],
      [['-s', 'many'], "-s/--steps must be a number, got 'many'"],
      [['-s', ''], "-s/--steps must be a number, got ''"],
      [['--learning_rate', '0'], "--learning_rate must be greater than 0, got '0'"],
      [['--learning_rate', '2'], "--learning_rate must be at most 1, got '2'"],
      [['-m', 'maybe'], "-m/--mode must be t or f, got 'maybe'"],
      [['--shape', 'oval'], "--shape must be square, round or flat, got 'oval'"],
    ] as const) {
      expect(() => fromFlags(...argv)).toThrow(message);
    }
  });
});
