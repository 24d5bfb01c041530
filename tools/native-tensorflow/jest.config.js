module.exports = {
  displayName: 'native-tensorflow',
  preset: '../../jest.preset.js',
};
