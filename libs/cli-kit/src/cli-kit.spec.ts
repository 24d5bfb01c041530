import { PassThrough } from 'node:stream';
import { UsageError } from '@nextframe/errors';
import { createProgress, formatHelp, formatSeconds, numberOption, parseCommand, sizeOption, timeOption, type CommandSpec } from './index';

const spec: CommandSpec = {
  name: 'crop',
  summary: 'Crop clips.',
  usage: 'nextframe crop [options]',
  options: {
    'num-clips': { type: 'string', short: 'n', aliases: ['num_clips'], valueName: 'N', description: 'clips to make', defaultText: '5000000' },
    'train-dir': { type: 'string', short: 't', aliases: ['train_dir'], description: 'frames' },
    overwrite: { type: 'boolean', short: 'o', description: 'replace' },
    'test-only': { type: 'boolean', short: 'T', description: 'test only' },
    set: { type: 'string', multiple: true, description: 'FIELD=VALUE' },
  },
  positionals: '<frames...>',
  examples: ['nextframe crop -n 10'],
};

describe('parseCommand', () => {
  it("accepts long names, short names and the seed's underscore spellings", () => {
    expect(parseCommand(spec, ['-n', '5', '--train_dir=frames', '-o', 'extra']).values).toMatchObject({
      'num-clips': '5',
      'train-dir': 'frames',
      overwrite: true,
    });
    expect(parseCommand(spec, ['--num_clips', '7']).values['num-clips']).toBe('7');
    expect(parseCommand(spec, ['a', 'b']).positionals).toEqual(['a', 'b']);
  });

  it('recognises -h, -H and --help, and --verbose', () => {
    for (const flag of ['-h', '-H', '--help']) expect(parseCommand(spec, [flag]).help).toBe(true);
    expect(parseCommand(spec, ['--verbose']).verbose).toBe(true);
  });

  it('rejects unknown options and missing values as usage errors', () => {
    expect(() => parseCommand(spec, ['--num-clip', '5'])).toThrow(UsageError);
    expect(() => parseCommand(spec, ['--num-clip', '5'])).toThrow("crop: unknown option '--num-clip' (see nextframe crop --help)");
    expect(() => parseCommand(spec, ['-n'])).toThrow(UsageError);
  });

  it('rejects stray arguments unless the command takes positionals', () => {
    const noPositionals: CommandSpec = { ...spec, positionals: undefined };
    expect(() => parseCommand(noPositionals, ['--set', 'a=b', 'c=d'])).toThrow(
      "crop: unexpected argument 'c=d' (each --set takes one FIELD=VALUE: --set c=d) (see nextframe crop --help)",
    );
    expect(() => parseCommand(noPositionals, ['-n', '5', 'extra'])).toThrow("crop: unexpected argument 'extra' (see nextframe crop --help)");
    expect(parseCommand(noPositionals, ['--set', 'a=b', '--set', 'c=d']).values.set).toEqual(['a=b', 'c=d']);
    expect(parseCommand(spec, ['--set', 'a=b', 'c=d']).positionals).toEqual(['c=d']);
  });
});

describe('formatHelp', () => {
  it('lists usage, every option with its aliases and default, and examples', () => {
    const help = formatHelp(spec);
    expect(help.startsWith('Usage: nextframe crop [options]\n\nCrop clips.\n')).toBe(true);
    expect(help).toMatch(/-n, --num-clips, --num_clips N\s+clips to make \(default: 5000000\)/);
    expect(help).toMatch(/-T, --test-only\s+test only/);
    expect(help).toMatch(/-h, --help, -H\s+show this help/);
    expect(help).toContain('Examples:\n  nextframe crop -n 10');
  });
});

describe('option values', () => {
  it('parses numbers with rules', () => {
    expect(numberOption('fps', '12.5', { min: 0, exclusiveMin: true })).toBe(12.5);
    expect(numberOption('fps', undefined)).toBeUndefined();
    expect(() => numberOption('fps', '0', { min: 0, exclusiveMin: true })).toThrow('--fps must be greater than 0, got 0');
    expect(() => numberOption('n', '2.5', { integer: true })).toThrow("--n must be an integer, got '2.5'");
    expect(() => numberOption('n', 'ten')).toThrow("--n must be a number, got 'ten'");
    expect(() => numberOption('f', '1.5', { max: 0.9 })).toThrow('--f must be at most 0.9, got 1.5');
  });

  it('parses sizes and times', () => {
    expect(sizeOption('size', '64x48')).toEqual({ width: 64, height: 48 });
    expect(() => sizeOption('size', '64x0')).toThrow(UsageError);
    expect(timeOption('start', '90')).toBe(90);
    expect(timeOption('start', '1:30.5')).toBe(90.5);
    expect(timeOption('start', '01:01:01')).toBe(3661);
    expect(() => timeOption('start', '1m30')).toThrow("--start must be seconds or [HH:]MM:SS, got '1m30'");
  });

  it('formats durations', () => {
    expect([formatSeconds(5), formatSeconds(75), formatSeconds(7322)]).toEqual(['5s', '1m15s', '2h02m']);
  });
});

describe('createProgress without a terminal', () => {
  it('prints one plain line per finished item, with counts and an ETA', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
    const progress = createProgress({ label: 'extract', total: 3, unit: 'videos', fields: ['frames'], stream });
    progress.update(0, { frames: 10 }); // same count as before: no line
    progress.update(1, { frames: 40 });
    progress.log('warning: something');
    progress.update(3, { frames: 90 });
    progress.stop();
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^extract: 1\/3 videos, 40 frames, 0s elapsed, ETA 0s$/);
    expect(lines[1]).toBe('warning: something');
    expect(lines[2]).toBe('extract: 3/3 videos, 90 frames, 0s elapsed');
  });

  it('estimates the ETA of a resumed run from its own pace, not from the steps done before it', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
    let nowMs = 1_000_000;
    const progress = createProgress({ label: 'train', total: 600, unit: 'steps', stream, plainIntervalMs: 0, now: () => nowMs });
    progress.startFrom(300);
    nowMs += 10_000;
    progress.update(330); // 30 steps in 10 s: the 270 to go take 90 s (330 done in 10 s would say 8 s)
    expect(text).toBe('train: 330/600 steps, 10s elapsed, ETA 1m30s\n');
  });

  it('labels fields by fieldLabels, and not at all when labelled empty', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream;
    let text = '';
    (stream as unknown as PassThrough).on('data', (chunk: Buffer) => (text += chunk.toString()));
    const progress = createProgress({ label: 'evaluate', total: 2, unit: 'frames', fields: ['video', 'rate'], fieldLabels: { video: '', rate: 'steps/s' }, stream });
    progress.update(2, { video: 'mnist-004', rate: 1.5 });
    expect(text).toBe('evaluate: 2/2 frames, mnist-004, 1.5 steps/s, 0s elapsed\n');
  });
});
