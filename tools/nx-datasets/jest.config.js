module.exports = {
  displayName: 'nx-datasets',
  preset: '../../jest.preset.js',
};
