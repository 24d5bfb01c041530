export { exportCommand } from './export-command';
