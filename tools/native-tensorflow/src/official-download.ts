import * as https from 'node:https';
import * as http from 'node:http';
import * as fs from 'node:fs';
import { runCommand, type CommandResult } from './run-command';

/**
 * The host tfjs-node's own install script downloads libtensorflow (and a prebuilt binding) from:
 * its mirror variables when set (`TFJS_NODE_BASE_URI`, `TFJS_NODE_CDN_STORAGE`), else Google's storage.
 */
export function officialDownloadUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.TFJS_NODE_BASE_URI || env.npm_config_TFJS_NODE_BASE_URI || env.TFJS_NODE_CDN_STORAGE || env.npm_config_TFJS_NODE_CDN_STORAGE || env.CDN_STORAGE || 'https://storage.googleapis.com/';
}

/** Whether `url`'s host answers at all within `timeoutMs` (any HTTP status counts): a firewall costs seconds, not minutes. */
export function reachable(url: string, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve(false);
      return;
    }
    const request = (target.protocol === 'http:' ? http : https).request(target, { method: 'HEAD', timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(true);
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve(false));
    request.end();
  });
}

/** Run tfjs-node's own install script (`scripts/install.js`, `gpu` for the GPU package) in its folder. */
export function runOfficialInstall(packageDir: string, gpu: boolean, logFile: string): CommandResult {
  const run = runCommand(process.execPath, ['scripts/install.js', ...(gpu ? ['gpu', 'download'] : [])], { cwd: packageDir, timeoutMs: 15 * 60 * 1000 });
  fs.writeFileSync(logFile, run.stdout);
  return run;
}
