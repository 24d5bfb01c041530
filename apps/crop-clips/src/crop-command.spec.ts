import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseCommand } from '@nextframe/cli-kit';
import { readStoreSummary } from '@nextframe/data';
import { noiseFrames, writeFrameFolder } from '@nextframe/data/testing';
import { useTempDir, whenFilesChange } from '@nextframe/files/testing';
import { cropCommand, resolveCropConfig } from './crop-command';

const BIN = path.resolve(__dirname, '../../cli/bin/nextframe.js');
const tempDir = useTempDir('crop-cli');
let frames: string;

beforeAll(async () => {
  frames = path.join(tempDir(), 'frames');
  await writeFrameFolder(path.join(frames, 'v1'), noiseFrames(64, 48, 10));
  await writeFrameFolder(path.join(frames, 'v2'), noiseFrames(48, 64, 9));
});

function nextframe(...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'crop', ...args], { encoding: 'utf8' });
}

async function digest(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const f of (await fs.readdir(dir)).sort()) out[f] = createHash('sha256').update(await fs.readFile(path.join(dir, f))).digest('hex');
  return out;
}

describe('nextframe crop', () => {
  it("accepts the seed's spellings and fills the port's defaults", async () => {
    const parsed = parseCommand(cropCommand, ['-t', frames, '--clips_dir', 'out', '--num_clips', '7', '-o']);
    const config = await resolveCropConfig(parsed);
    expect(config).toEqual({
      framesDir: frames,
      storeDir: path.resolve('out'),
      clipCount: 7,
      seed: 0,
      settings: { cropSizePx: 32, historyLength: 4, movementThreshold: 100, maxTries: 100, unfilteredProbability: 0.05 },
      shardSize: 10000,
      overwrite: true,
    });
  });

  it('lets flags override the manifest, which overrides the defaults (--print-config)', () => {
    const result = spawnSync(process.execPath, [BIN, 'crop', '--manifest', 'demo', '--crop-size', '16', '--print-config'], {
      encoding: 'utf8',
      cwd: path.resolve(__dirname, '../../..'),
    });
    expect(result.status).toBe(0);
    const config = JSON.parse(result.stdout);
    expect(config.settings.cropSizePx).toBe(16);
    expect(config.framesDir).toBe(path.resolve(__dirname, '../../../data/demo/frames/train'));
    expect(config.storeDir).toBe(path.resolve(__dirname, '../../../data/demo/clips'));
    expect(config.clipCount).toBeGreaterThan(0); // from the manifest's stages.crop.clips
  });

  it('writes a store and says what it wrote', async () => {
    const out = path.join(tempDir(), 'store');
    const result = nextframe('--frames', frames, '--out', out, '-n', '300', '--seed', '4', '--crop-size', '16', '--shard-size', '100');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^crop: 300 clips written → .*store: 300 clips of 16x16x5 in 3 shards, \\d+ clips/s\\n$`));
    const summary = await readStoreSummary(out);
    expect(summary.runs[0]).toMatchObject({ seed: 4, clipCount: 300, complete: true, framesDir: '../frames' });
  });

  it.each([
    [['--frames', 'x', '--out', 'y'], 2, 'error: -n/--num_clips N is required: how many clips to add'],
    [['--out', 'y', '-n', '5'], 2, 'error: --frames DIR is required (or --manifest NAME)'],
    [['--frames', '/nonexistent/frames', '--out', 'y', '-n', '5'], 1, 'error: /nonexistent/frames: no such folder'],
    [['--frames', 'x', '--out', 'y', '-n', 'many'], 2, "error: --num-clips must be an integer, got 'many'"],
  ])('rejects %j with exit code %i and one line', (args, status, line) => {
    const result = nextframe(...args);
    expect(result.status).toBe(status);
    expect(result.stderr.trim()).toBe(line);
  });
});

describe('nextframe crop: killed and resumed', () => {
  it('finishes a run killed with SIGKILL, ending with the same bytes as an uninterrupted run', async () => {
    const args = ['--frames', frames, '-n', '12000', '--seed', '2', '--crop-size', '16', '--shard-size', '1000'];
    const whole = path.join(tempDir(), 'whole');
    expect(nextframe(...args, '--out', whole).status).toBe(0);

    const killed = path.join(tempDir(), 'killed');
    const child = spawn(process.execPath, [BIN, 'crop', ...args, '--out', killed], { stdio: 'ignore' });
    // Kill it as soon as its store lists 3 shards: on the file-system event that says so.
    const threeShards = async () => ((await readStoreSummary(killed, { allowMissing: true }).catch(() => undefined))?.shards.length ?? 0) >= 3;
    await whenFilesChange(tempDir(), threeShards, 'crop wrote 3 shards');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const partial = await readStoreSummary(killed);
    expect(partial.runs[0].complete).toBe(false);
    expect(partial.count).toBeLessThan(12000);
    expect(partial.count % 1000).toBe(0);

    const rerun = nextframe(...args, '--out', killed);
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toContain('(finishing an interrupted run)');
    expect(await digest(killed)).toEqual(await digest(whole));
  });

  it('refuses to start a different run while one is unfinished', async () => {
    const dir = path.join(tempDir(), 'unfinished');
    expect(nextframe('--frames', frames, '--out', dir, '-n', '10', '--crop-size', '16').status).toBe(0);
    const file = path.join(dir, 'clips.json');
    const summary = JSON.parse(await fs.readFile(file, 'utf8'));
    summary.runs[0].complete = false;
    await fs.writeFile(file, JSON.stringify(summary));
    const result = nextframe('--frames', frames, '--out', dir, '-n', '20', '--crop-size', '16');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('an unfinished run is in this store (seed 0, 10 clips from ../frames)');
  });
});
