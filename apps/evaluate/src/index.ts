export { evaluateCommand } from './evaluate-command';
export { compare, compareCommand, type CompareReport } from './compare-command';
export { curveCommand } from './curve-command';
