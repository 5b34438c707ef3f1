// Preload for the bench: init/before/after async hooks that do nothing, enabled the way the
// agent enables them (no promise hooks). The floor of any recorder built on async_hooks.
const asyncHooks = require('async_hooks');
const v8 = require('v8');
const hook = asyncHooks.createHook({ init() {}, before() {}, after() {} });
const original = v8.promiseHooks.createHook;
v8.promiseHooks.createHook = () => () => {};
try {
  hook.enable();
} finally {
  v8.promiseHooks.createHook = original;
}
