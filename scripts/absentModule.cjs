// Stands in for optional native modules in bundles: requiring it fails as if the module were absent.
const error = new Error('optional module not bundled');
error.code = 'MODULE_NOT_FOUND';
throw error;
