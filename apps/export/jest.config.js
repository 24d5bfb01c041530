module.exports = {
  displayName: 'export',
  preset: '../../jest.preset.js',
};
