/**
 * The worker of a ThreadedRunner: one runner of a registered stack, created, activated and run here, so that
 * onnxruntime-node's synchronous `run` blocks this thread instead of the caller's.
 */
import { parentPort } from 'node:worker_threads';
import { ToolkitError } from '@tamkit/common';
import { loadOrt, setOrtLogLevel } from '../ort/load-ort.js';
import { getStack } from '../registry.js';
import type { Runner } from '../runner.js';
import type { Feeds } from '../types.js';
import { portableEdit } from './portable-edits.js';
import {
  mapTensors,
  movableBuffers,
  type PlainError,
  type PlainTensors,
  plainTensor,
  type RunnerCall,
  type RunnerReply,
  tensorFrom,
} from './protocol.js';

let runner: Runner | undefined;

async function feedsOf(plain: PlainTensors): Promise<Feeds> {
  const ort = await loadOrt();
  return mapTensors(plain, (t) => tensorFrom(ort, t));
}

async function handle(call: RunnerCall): Promise<{ value: unknown; transfer: ArrayBuffer[] }> {
  if (call.kind === 'activate') {
    setOrtLogLevel(call.logLevel);
    const { edits, ...rest } = call.settings;
    const created = getStack(call.stack).createWith({
      ...rest,
      ...(edits === undefined ? {} : { edits: edits.map(portableEdit) }),
      deviceOutputs: false,
    });
    await created.activate(call.modelPath);
    runner = created;
    const value = {
      inputs: created.inputs,
      outputs: created.outputs,
      capabilities: created.capabilities,
      options: created.describeOptions(),
      notes: created.notes(),
    };
    return { value, transfer: [] };
  }
  if (call.kind === 'deactivate') {
    await runner?.deactivate();
    runner = undefined;
    return { value: undefined, transfer: [] };
  }
  if (!runner) throw new Error(`${call.kind} before activate`);
  const feeds = await feedsOf(call.feeds);
  if (call.kind === 'infer') {
    const outputs = mapTensors(await runner.infer(feeds, call.outputs ? { outputs: call.outputs } : {}), plainTensor);
    return { value: { outputs, notes: runner.notes() }, transfer: movableBuffers(outputs) };
  }
  if (call.kind === 'profilePlacement') return { value: await runner.profilePlacement(feeds, call.runs), transfer: [] };
  return { value: await runner.profileKernels(feeds, call.runs, call.options), transfer: [] };
}

function plainError(error: unknown): PlainError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const plain: PlainError = { name: error.name, message: error.message };
  if (error instanceof ToolkitError) {
    plain.code = error.code;
    if (error.remedy !== undefined) plain.remedy = error.remedy;
    plain.exitCode = error.exitCode;
    const extra = error as ToolkitError & { stackName?: unknown; reason?: unknown };
    if (typeof extra.stackName === 'string') plain.stackName = extra.stackName;
    if (typeof extra.reason === 'string') plain.reason = extra.reason;
  }
  return plain;
}

parentPort?.on('message', (call: RunnerCall) => {
  handle(call).then(
    ({ value, transfer }) => parentPort?.postMessage({ id: call.id, ok: true, value } satisfies RunnerReply, transfer),
    (error: unknown) =>
      parentPort?.postMessage({ id: call.id, ok: false, error: plainError(error) } satisfies RunnerReply),
  );
});
