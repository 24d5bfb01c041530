import { describeModelFields, wrapText } from './model-config-schema';
import { modelConfigSchema } from './model-config';
import { SMALL_PRESET } from './presets';

describe('modelConfigSchema', () => {
  it('describes every field once, in words (what --describe-model prints and ModelConfig is typed from)', () => {
    for (const [field, schema] of Object.entries(modelConfigSchema.shape)) {
      expect({ field, words: (schema.description ?? '').split(' ').length > 3 }).toEqual({ field, words: true });
    }
  });
});

describe('describeModelFields', () => {
  it('gives each field its value and its description, indented', () => {
    const text = describeModelFields(SMALL_PRESET);
    const lines = text.split('\n');
    expect(lines).toContain('lpExponent = 2');
    expect(lines[lines.indexOf('lpExponent = 2') + 1]).toBe('    p of the Lp loss (spec: 2).');
    expect(lines).toContain('discriminatorClip = [0.1,0.9]');
    expect(lines).toContain('generatorLearningRateSchedule = (unset)');
    expect(lines.filter((l) => !l.startsWith(' ')).map((l) => l.split(' = ')[0])).toEqual(Object.keys(modelConfigSchema.shape));
    for (const line of lines.filter((l) => l.startsWith(' '))) expect(line.length).toBeLessThanOrEqual(100);
  });
});

describe('wrapText', () => {
  it('breaks between words so no line passes the width, each line indented', () => {
    expect(wrapText('one two three four five', 12, '  ')).toBe('  one two\n  three four\n  five');
    expect(wrapText('  spaced   out  ', 40, '> ')).toBe('> spaced out');
    expect(wrapText('', 10, '  ')).toBe('');
  });
});
