module.exports = {
  displayName: 'pipeline-inputs',
  preset: '../../jest.preset.js',
};
