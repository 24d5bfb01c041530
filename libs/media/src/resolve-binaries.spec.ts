import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '@nextframe/files/testing';
import { BinaryNotFoundError, resolveFfmpeg, resolveFfprobe } from './index';

const tempDir = useTempDir('resolve', { each: true });

async function executable(file: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, '#!/bin/sh\necho fake\n', { mode: 0o755 });
  return file;
}

/** A real npm package folder under `tempDir()/node_modules`, resolvable with `resolveFrom: tempDir()`. */
async function fakePackage(name: string, body: string): Promise<void> {
  const root = path.join(tempDir(), 'node_modules', name);
  await fs.mkdir(root, { recursive: true });
  await fs.writeFile(path.join(root, 'package.json'), JSON.stringify({ name, main: 'index.js' }));
  await fs.writeFile(path.join(root, 'index.js'), body);
}

describe('resolveFfmpeg', () => {
  it('finds a working ffmpeg and ffprobe in this workspace', () => {
    const ffmpeg = resolveFfmpeg({ env: {} });
    const ffprobe = resolveFfprobe({ env: {} });
    expect(['ffmpeg-static', '@ffmpeg-installer/ffmpeg']).toContain(ffmpeg.source);
    expect(ffprobe.source).toBe('@ffprobe-installer/ffprobe');
    expect(execFileSync(ffmpeg.path, ['-version']).toString()).toMatch(/^ffmpeg version/);
    expect(execFileSync(ffprobe.path, ['-version']).toString()).toMatch(/^ffprobe version/);
  });

  it('prefers FFMPEG_PATH over everything', async () => {
    const custom = await executable(path.join(tempDir(), 'bin with space', 'my-ffmpeg'));
    expect(resolveFfmpeg({ env: { FFMPEG_PATH: custom } })).toEqual({ path: custom, source: 'env' });
    const probe = await executable(path.join(tempDir(), 'my-ffprobe'));
    expect(resolveFfprobe({ env: { FFPROBE_PATH: probe } })).toEqual({ path: probe, source: 'env' });
  });

  it('fails clearly when FFMPEG_PATH names a missing file', () => {
    const missing = path.join(tempDir(), 'nope');
    expect(() => resolveFfmpeg({ env: { FFMPEG_PATH: missing } })).toThrow(BinaryNotFoundError);
    expect(() => resolveFfmpeg({ env: { FFMPEG_PATH: missing } })).toThrow('FFMPEG_PATH is set but is not an executable file');
  });

  it('skips ffmpeg-static when its binary was never downloaded, then uses the installer', async () => {
    const installed = await executable(path.join(tempDir(), 'installer-bin', 'ffmpeg'));
    await fakePackage('ffmpeg-static', `module.exports = ${JSON.stringify(path.join(tempDir(), 'not-downloaded', 'ffmpeg'))};`);
    await fakePackage('@ffmpeg-installer/ffmpeg', `module.exports = { path: ${JSON.stringify(installed)} };`);
    expect(resolveFfmpeg({ env: {}, resolveFrom: tempDir() })).toEqual({ path: installed, source: '@ffmpeg-installer/ffmpeg' });
  });

  it('uses ffmpeg-static first when its binary exists', async () => {
    const staticBin = await executable(path.join(tempDir(), 'static', 'ffmpeg'));
    await fakePackage('ffmpeg-static', `module.exports = ${JSON.stringify(staticBin)};`);
    await fakePackage('@ffmpeg-installer/ffmpeg', `module.exports = { path: '/elsewhere' };`);
    expect(resolveFfmpeg({ env: {}, resolveFrom: tempDir() })).toEqual({ path: staticBin, source: 'ffmpeg-static' });
  });

  it('falls back to PATH when the installer throws (it throws a plain string)', async () => {
    await fakePackage('@ffmpeg-installer/ffmpeg', `throw 'Could not find ffmpeg executable';`);
    const onPath = await executable(path.join(tempDir(), 'path-bin', 'ffmpeg'));
    const env = { PATH: [path.join(tempDir(), 'empty'), path.dirname(onPath)].join(path.delimiter) };
    expect(resolveFfmpeg({ env, resolveFrom: tempDir() })).toEqual({ path: onPath, source: 'PATH' });
  });

  it('says what it tried when nothing is found', () => {
    const attempt = () => resolveFfmpeg({ env: { PATH: tempDir() }, resolveFrom: tempDir() });
    expect(attempt).toThrow(BinaryNotFoundError);
    expect(attempt).toThrow(
      'cannot find ffmpeg: tried ffmpeg-static (not installed), @ffmpeg-installer/ffmpeg (not installed), PATH; set FFMPEG_PATH',
    );
  });
});
