export { evaluateCommand } from './evaluate-command';
