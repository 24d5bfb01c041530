export { evaluateCommand } from './evaluate-command';
export { compare, compareCommand, type CompareReport } from './compare-command';
