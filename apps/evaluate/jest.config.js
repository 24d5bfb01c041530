module.exports = {
  displayName: 'evaluate',
  preset: '../../jest.preset.js',
};
