/**
 * Child process entry of the crash probe (`crash-probe.ts` spawns it): loads onnxruntime-node, starts a session
 * on the model with the parent's session options, runs the feeds once (or, without feeds, only creates the
 * session: ONNX Runtime's graph optimisations run there) and prints one JSON line
 * (`CrashProbeReply`). If ONNX Runtime crashes natively, this process dies instead of the parent, and the parent
 * reads the signal.
 *
 * TEST DOUBLE (process boundary only): with `TAMKIT_CRASH_PROBE_DOUBLE_OP=<op type>` in its environment, the
 * child kills itself with SIGSEGV just before running a model that has a node of that type, as ONNX Runtime
 * does when one of its kernels segfaults. ORT 1.30's CPU kernels validate every input we could find a crash for,
 * so tests cross the process boundary with this double; the parent's handling is the real code.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { type CrashProbeReply, type CrashProbeRequest, decodeFeeds } from './crash-probe-protocol.js';
import type { OrtModule } from './load-ort.js';

const DOUBLE_OP_ENV = 'TAMKIT_CRASH_PROBE_DOUBLE_OP';

async function crashLikeOrtIfAsked(modelPath: string): Promise<void> {
  const opType = process.env[DOUBLE_OP_ENV];
  if (!opType) return;
  const { decodeModel } = await import('@tamkit/graph-surgery');
  const model = decodeModel(new Uint8Array(await readFile(modelPath)));
  if (model.graph?.node.some((n) => n.opType === opType)) process.kill(process.pid, 'SIGSEGV');
}

async function probe(request: CrashProbeRequest): Promise<CrashProbeReply> {
  const ort = createRequire(import.meta.url)(request.ortPackage) as OrtModule;
  const feeds =
    request.feeds === undefined
      ? undefined
      : Object.fromEntries(
          decodeFeeds(new Uint8Array(await readFile(request.feeds))).map((f) => [
            f.name,
            new ort.Tensor(f.type, f.data as Float32Array, f.dims),
          ]),
        );
  try {
    // From the path, not the bytes: external data resolves beside the model file as in the parent.
    const session = await ort.InferenceSession.create(request.model, request.sessionOptions);
    try {
      if (feeds !== undefined) {
        await crashLikeOrtIfAsked(request.model);
        await session.run(feeds);
      }
    } finally {
      await session.release();
    }
    return { ran: true };
  } catch (error) {
    return { ran: false, error: error instanceof Error ? error.message : String(error) };
  }
}

const request = JSON.parse(process.argv[2] ?? '{}') as CrashProbeRequest;
process.stdout.write(`${JSON.stringify(await probe(request))}\n`);
