import { spawn, spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NextframeError } from '@nextframe/errors';
import { encodeImageRgb, ffmpegVersion, resolveFfmpeg, resolveFfprobe } from '@nextframe/media';
import { patternFrame, writeTestVideo } from '@nextframe/media/testing';
import { whenFilesChange } from '@nextframe/files/testing';
import { extractVideos } from './extract-videos';
import { readFrameIndex } from './frame-index';

const ffmpeg = resolveFfmpeg().path;
const tools = { ffmpeg, ffprobe: resolveFfprobe().path, ffmpegVersion: ffmpegVersion(ffmpeg) };
const BIN = path.resolve(__dirname, '../../cli/bin/nextframe.js');
const frames = (n: number) => Array.from({ length: n }, (_, i) => patternFrame(64, 48, i));

let dir: string;
const bad: Record<string, string> = {};
let good: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-bad-'));
  good = path.join(dir, 'good.mp4');
  await writeTestVideo({ file: good, frames: frames(30), fps: 10, codec: 'h264' });
  const streaming = path.join(dir, 'streaming.mp4');
  await writeTestVideo({ file: streaming, frames: frames(30), fps: 10, codec: 'h264', faststart: true });
  const whole = await fs.readFile(good);
  const front = await fs.readFile(streaming);
  const write = async (name: string, bytes: string | Uint8Array) => {
    bad[name] = path.join(dir, name);
    await fs.writeFile(bad[name], bytes);
  };
  bad.missing = path.join(dir, 'missing.mp4');
  await write('not-a-video.mp4', 'just some text\n');
  await write('picture.png', await encodeImageRgb(patternFrame(8, 8, 0), '.png'));
  // Index at the end, cut off: nothing to read.
  await write('truncated.mp4', whole.subarray(0, Math.floor(whole.length / 2)));
  // Index at the front, media data cut in half: a third of the frames decode.
  await write('cut-short.mp4', front.subarray(0, Math.floor(front.length / 2)));
  // Index at the front, no media data at all: zero frames decode.
  const moovEnd = front.indexOf(Buffer.from('mdat')) + 4;
  await write('no-frames.mp4', front.subarray(0, moovEnd + 16));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const expected: [string, RegExp][] = [
  ['missing', /missing\.mp4: no such file$/],
  ['not-a-video.mp4', /not-a-video\.mp4: truncated or not a video/],
  ['picture.png', /picture\.png: is an image \(png\), not a video$/],
  ['truncated.mp4', /truncated\.mp4: truncated or not a video/],
  ['cut-short.mp4', /cut-short\.mp4: truncated or corrupt: decoded \d+ of 30 frames \(ffmpeg: .+\); use --ignore-decode-errors/],
  ['no-frames.mp4', /no-frames\.mp4: no decodable frames/],
];

describe('bad input', () => {
  it.each(expected)('%s: one clear line naming the file, and no folder', async (name, message) => {
    const out = path.join(dir, `out-${name}`);
    const error = await extractVideos({ items: [{ video: bad[name], key: 'v' }], outDir: out, options: {}, tools }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NextframeError);
    expect((error as NextframeError).oneLine()).toMatch(message);
    expect(await fs.readdir(out)).toEqual([]);
  });

  it('keeps the decodable frames of a damaged file when told to, with a warning', async () => {
    const out = path.join(dir, 'out-ignore');
    const warnings: string[] = [];
    const progress = { update: () => undefined, log: (line: string) => warnings.push(line), startFrom: () => undefined, stop: () => undefined };
    const summary = await extractVideos({
      items: [{ video: bad['cut-short.mp4'], key: 'v' }], outDir: out, options: {}, tools, ignoreDecodeErrors: true, progress,
    });
    expect(summary.frames).toBeGreaterThan(0);
    expect(summary.frames).toBeLessThan(30);
    expect(warnings).toEqual([expect.stringMatching(/^warning: .*cut-short\.mp4: truncated or corrupt: decoded \d+ of 30 frames/)]);
  });

  it('with --keep-going, extracts the good videos and reports every bad one', async () => {
    const out = path.join(dir, 'out-keep-going');
    const items = [
      { video: bad['not-a-video.mp4'], key: 'a' },
      { video: good, key: 'b' },
      { video: bad.missing, key: 'c' },
    ];
    const summary = await extractVideos({ items, outDir: out, options: {}, tools, keepGoing: true, progress: silent() });
    expect(summary.extracted).toEqual(['b']);
    expect(summary.failed.map((f) => f.key)).toEqual(['a', 'c']);
    expect(summary.failed[1].message).toBe(`error: ${bad.missing}: no such file`);
    expect((await fs.readdir(out)).sort()).toEqual(['b', 'index.json']);
    expect(Object.keys((await readFrameIndex(out)).videos)).toEqual(['b']);
  });
});

describe('nextframe extract (the command)', () => {
  it('exits non-zero with one line on stderr, and still extracts the rest with --keep-going', () => {
    const out = path.join(dir, 'cli-out');
    const failed = spawnSync(process.execPath, [BIN, 'extract', bad['not-a-video.mp4'], good, '--out', out], { encoding: 'utf8' });
    expect(failed.status).toBe(1);
    expect(failed.stderr.trim().split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      `error: ${bad['not-a-video.mp4']}: truncated or not a video (no moov atom: an MP4/MOV file cut short, or not an MP4 at all)`,
    ]);
    const going = spawnSync(process.execPath, [BIN, 'extract', bad['not-a-video.mp4'], good, '--out', out, '--keep-going'], {
      encoding: 'utf8',
    });
    expect(going.status).toBe(1);
    expect(going.stdout).toContain('extract: 2 videos');
    expect(going.stdout).toContain('1 extracted, 0 already done, 1 failed), 30 frames');
    expect(going.stderr).toContain(`error: 1 of 2 videos failed: ${bad['not-a-video.mp4']}`);
  });

  it('rejects bad options with exit code 2', () => {
    const result = spawnSync(process.execPath, [BIN, 'extract', good, '--out', dir, '--size', '64by48'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe("error: --size must look like WIDTHxHEIGHT (e.g. 64x48), got '64by48'");
  });

  it('leaves no half-written folder when killed mid-video, and a re-run finishes the job', async () => {
    const long = path.join(dir, 'long.mp4');
    await writeTestVideo({ file: long, frames: Array.from({ length: 300 }, (_, i) => patternFrame(320, 240, i)), fps: 25, codec: 'h264' });
    const out = path.join(dir, 'killed');
    const child = spawn(process.execPath, [BIN, 'extract', good, long, '--out', out], { stdio: 'ignore', detached: true });
    // Once the second video is being written (a file-system event says so), kill the whole process group (ffmpeg too).
    const writingLong = async () => {
      const staging = (await fs.readdir(out).catch(() => [] as string[])).find((e) => e.startsWith('.long.partial-'));
      return staging !== undefined && (await fs.readdir(path.join(out, staging)).catch(() => [])).length > 5;
    };
    await whenFilesChange(dir, writingLong, 'extraction of long.mp4 started');
    if (child.pid === undefined) throw new Error('child did not start');
    process.kill(-child.pid, 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const left = await fs.readdir(out);
    expect(left).not.toContain('long');
    expect(left).toContain('good');
    expect(Object.keys((await readFrameIndex(out)).videos)).toEqual(['good']);

    const rerun = spawnSync(process.execPath, [BIN, 'extract', good, long, '--out', out], { encoding: 'utf8' });
    expect(rerun.status).toBe(0);
    expect(rerun.stdout).toContain('1 extracted, 1 already done');
    expect((await fs.readdir(out)).sort()).toEqual(['good', 'index.json', 'long']);
    expect(await fs.readdir(path.join(out, 'long'))).toHaveLength(300);
  });
});

function silent() {
  return { update: () => undefined, log: () => undefined, startFrom: () => undefined, stop: () => undefined };
}
