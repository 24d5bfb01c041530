import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const BIN = path.resolve(__dirname, '../bin/nextframe.js');

function nextframe(...args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: path.resolve(__dirname, '../../..') });
}

describe('nextframe', () => {
  it('lists its commands', () => {
    const result = nextframe('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: nextframe <command> \[options\]/);
    for (const name of ['extract', 'crop', 'train', 'evaluate', 'compare']) expect(result.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
    expect(nextframe().stdout).toBe(result.stdout);
  });

  it.each(['extract', 'crop', 'train', 'evaluate', 'compare'])('prints help for %s', (name) => {
    const result = nextframe(name, '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: nextframe ${name} `));
    expect(result.stdout).toContain('-h, --help, -H');
    expect(nextframe('help', name).stdout).toBe(result.stdout);
  });

  it('rejects an unknown command with exit code 2', () => {
    const result = nextframe('extrakt');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe("error: unknown command 'extrakt' (commands: extract, crop, train, evaluate, compare, curve, export)\n");
  });

  it('rejects a stray argument (a second FIELD=VALUE after one --set) with exit code 2, before any work', () => {
    const result = nextframe('train', '--clips', 'no-such-clips', '-n', 'x', '--set', 'lpWeight=1', 'gdlWeight=0');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("error: train: unexpected argument 'gdlWeight=0' (each --set takes one FIELD=VALUE: --set gdlWeight=0)");
  });

  it('prints its version', () => {
    expect(nextframe('--version').stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
