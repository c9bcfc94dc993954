// A Node.js import hook that makes `onnxruntime-node` unresolvable, as on a machine where it is not installed.
// Used by test/specialize-optional-runtime.test.ts: node --import ./test/helpers/without-onnxruntime.mjs ...
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  if (specifier === 'onnxruntime-node' || specifier.startsWith('onnxruntime-node/')) {
    const error = new Error("Cannot find package 'onnxruntime-node'");
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
