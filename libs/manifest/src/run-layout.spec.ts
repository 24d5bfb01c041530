import * as path from 'node:path';
import { adversarialRunName, runFolder, RUN_LAYOUT, TRAINING_OUTPUTS, trainedRunNames } from './run-layout';

describe('run layout', () => {
  it('names the runs a dataset trains and their folders', () => {
    expect(adversarialRunName('demo')).toBe('demo-adversarial');
    expect(trainedRunNames('demo', true)).toEqual(['demo', 'demo-adversarial']);
    expect(trainedRunNames('mine', false)).toEqual(['mine']);
    expect(runFolder('/w', 'demo')).toBe(path.join('/w', 'runs', 'demo'));
  });

  it("lists train's outputs without evaluate's and curve's folders", () => {
    expect(TRAINING_OUTPUTS).toEqual(['checkpoints', 'summaries', 'images', 'test', 'metrics.jsonl']);
    expect(TRAINING_OUTPUTS).not.toContain(RUN_LAYOUT.eval);
    expect(TRAINING_OUTPUTS).not.toContain(RUN_LAYOUT.curve);
  });
});
