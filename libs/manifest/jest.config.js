module.exports = {
  displayName: 'manifest',
  preset: '../../jest.preset.js',
};
