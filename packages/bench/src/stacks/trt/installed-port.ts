import { engineBuilderPort } from './engine-builder-adapter.js';
import type { TrtEnginePort } from './engine-port.js';

/** The port the trt-* stacks use: engine-builder's adapter unless a test or an embedder installed another. */
let installed: TrtEnginePort | null | undefined;
const defaultPort = engineBuilderPort();

/**
 * Installs the adapter the trt-* stacks use: a port, `null` for none (the stacks then report that engine-builder
 * is not wired), or `undefined` to go back to the engine-builder adapter.
 */
export function setTrtEnginePort(port: TrtEnginePort | null | undefined): void {
  installed = port;
}

/** The adapter in use, or undefined when none is installed. */
export function getTrtEnginePort(): TrtEnginePort | undefined {
  return installed === undefined ? defaultPort : (installed ?? undefined);
}
