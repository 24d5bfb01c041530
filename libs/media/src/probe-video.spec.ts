import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '@nextframe/files/testing';
import { encodeImageRgb, probeVideo, resolveFfmpeg, resolveFfprobe, VideoReadError } from './index';
import { patternFrame, writeTestVideo } from './testing';

const ffprobe = resolveFfprobe().path;
const tempDir = useTempDir('probe');

const frames = (n: number, w = 48, h = 32) => Array.from({ length: n }, (_, i) => patternFrame(w, h, i));

describe('probeVideo: what it reads', () => {
  it('reads duration, frame rate, frame count and size of an H.264 file', async () => {
    const file = path.join(tempDir(), 'clip.mp4');
    await writeTestVideo({ file, frames: frames(25), fps: 10, codec: 'h264' });
    const info = await probeVideo(ffprobe, file);
    expect(info).toMatchObject({
      fps: 10,
      frameCount: 25,
      frameCountExact: true,
      width: 48,
      height: 32,
      rotation: 0,
      codec: 'h264',
    });
    expect(info.durationS).toBeCloseTo(2.5, 5);
  });

  it('reports rotation metadata and the displayed (rotated) size', async () => {
    const file = path.join(tempDir(), 'rotated.mp4');
    await writeTestVideo({ file, frames: frames(5), fps: 5, codec: 'h264', rotate: 90 });
    const info = await probeVideo(ffprobe, file);
    // ffmpeg's mov muxer stores the tag as a display matrix that reads back as a quarter turn
    // (which way depends on the writer's convention); the size must be swapped either way.
    expect([90, 270]).toContain(info.rotation);
    expect(info).toMatchObject({ codedWidth: 48, codedHeight: 32, width: 32, height: 48 });
  });

  it('estimates the frame count when the container has none (Matroska)', async () => {
    const file = path.join(tempDir(), 'clip.mkv');
    await writeTestVideo({ file, frames: frames(12), fps: 4, codec: 'ffv1' });
    const info = await probeVideo(ffprobe, file);
    expect(info.frameCountExact).toBe(false);
    expect(info.frameCount).toBe(12);
  });
});

describe('probeVideo: what it rejects', () => {
  it.each([
    ['missing file', async () => path.join(tempDir(), 'missing.mp4'), 'no such file'],
    ['a folder', async () => tempDir(), 'is a folder, not a video file'],
    ['an empty file', async () => write('empty.mp4', ''), 'is empty (0 bytes)'],
    ['a text file', async () => write('notes.txt', 'hello, not a video\n'), 'not a readable video (ffprobe:'],
    ['a text file named .mp4', async () => write('fake.mp4', 'hello, not a video\n'), 'truncated or not a video'],
    ['an image', async () => write('frame.png', await encodeImageRgb(patternFrame(8, 8, 0), '.png')), 'is an image (png), not a video'],
  ])('rejects %s with a one-line error naming the file', async (_label, make, message) => {
    const file = await make();
    const error = await probeVideo(ffprobe, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VideoReadError);
    expect((error as VideoReadError).file).toBe(file);
    expect((error as VideoReadError).oneLine()).toContain(message);
    expect((error as VideoReadError).oneLine()).not.toContain('\n');
  });

  it('rejects a truncated MP4 whose index was cut off', async () => {
    const whole = path.join(tempDir(), 'whole.mp4');
    await writeTestVideo({ file: whole, frames: frames(30), fps: 10, codec: 'h264' });
    const bytes = await fs.readFile(whole);
    const cut = await write('cut.mp4', bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(probeVideo(ffprobe, cut)).rejects.toThrow(/truncated or not a video/);
  });

  it('rejects an audio-only file', async () => {
    const file = path.join(tempDir(), 'tone.m4a');
    execFileSync(resolveFfmpeg().path, ['-v', 'error', '-f', 'lavfi', '-i', 'sine=d=0.5', '-c:a', 'aac', '-y', file]);
    await expect(probeVideo(ffprobe, file)).rejects.toThrow('has no video stream (only audio)');
  });
});

async function write(name: string, content: string | Uint8Array): Promise<string> {
  const file = path.join(tempDir(), name);
  await fs.writeFile(file, content);
  return file;
}
