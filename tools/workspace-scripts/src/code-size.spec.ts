import * as path from 'node:path';
import { oversizeIn, workspaceOversize } from './code-size';

describe('code size', () => {
  it('finds a long function, a long test callback and a long file', () => {
    const body = (n: number) => Array.from({ length: n }, (_, i) => `  const x${i} = ${i};`).join('\n');
    const text = `function long() {\n${body(60)}\n}\n\nfunction short() {\n${body(58)}\n}\n\ndescribe('a', () => {\n${body(61)}\n});\n`;
    expect(oversizeIn('x.ts', text)).toEqual([
      { file: 'x.ts', line: 1, what: 'long', lines: 62 },
      { file: 'x.ts', line: 125, what: "describe('a')", lines: 63 },
    ]);
    expect(oversizeIn('x.ts', text, { functionLines: 60, fileLines: 100 })[0]).toEqual({ file: 'x.ts', line: 1, what: 'file', lines: 188 });
  });

  it('holds in apps/ and libs/: no function over 60 lines, no file over 300', () => {
    expect(workspaceOversize(path.resolve(__dirname, '../../..'))).toEqual([]);
  });
});
