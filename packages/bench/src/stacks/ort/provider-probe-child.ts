/**
 * Child process entry of the provider probe (`provider-probe.ts` spawns it). It loads onnxruntime-node from the
 * package directory it is given, starts a session on one provider with CPU fallback disabled, runs the probe
 * model, optionally compares it with the CPU provider, and prints one JSON line (`ProviderProbeReply`). ORT's own
 * log lines go to this process's stderr, which the parent captures: a provider that fails to load (or crashes the
 * process) never prints into the parent's output.
 */
import { createRequire } from 'node:module';
import type { OrtModule } from './load-ort.js';
import { readLoadedLibraries } from './loaded-libraries.js';
import { severityOf } from './log-level.js';
import type { ProviderProbeReply, ProviderProbeRequest } from './provider-probe-protocol.js';

/** Every output of one run, flattened in output order. */
async function runOutputs(
  ort: OrtModule,
  model: Uint8Array,
  request: ProviderProbeRequest,
  backend: string,
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, {
    executionProviders: [backend],
    logSeverityLevel: severityOf(request.logLevel),
    // Without fallback, a session that starts ran every node on the provider under test.
    ...(backend === 'cpu' ? {} : { extra: { session: { disable_cpu_ep_fallback: '1' } } }),
  });
  try {
    const feeds = Object.fromEntries(
      Object.entries(request.inputs).map(([name, v]) => [
        name,
        new ort.Tensor('float32', Float32Array.from(v.data), v.dims),
      ]),
    );
    const outputs = await session.run(feeds);
    return Float32Array.from(session.outputNames.flatMap((name) => Array.from(outputs[name]!.data as Float32Array)));
  } finally {
    await session.release();
  }
}

async function probe(request: ProviderProbeRequest): Promise<ProviderProbeReply> {
  const ort = createRequire(import.meta.url)(request.ortPackage) as OrtModule;
  ort.env.logLevel = request.logLevel;
  const reply: ProviderProbeReply = { started: false, libraries: [] };
  reply.ortVersion = ort.env.versions.node ?? ort.env.versions.common;
  const model = Buffer.from(request.model, 'base64');
  try {
    const actual = await runOutputs(ort, model, request, request.backend);
    reply.started = true;
    if (request.compareWithCpu) {
      const reference = await runOutputs(ort, model, request, 'cpu');
      let diff = 0;
      let scale = 0;
      reference.forEach((r, i) => {
        diff = Math.max(diff, Math.abs(actual[i]! - r));
        scale = Math.max(scale, Math.abs(r));
      });
      reply.maxAbsDifference = diff;
      reply.maxAbsReference = scale;
    }
  } catch (error) {
    reply.error = error instanceof Error ? error.message : String(error);
  }
  reply.libraries = readLoadedLibraries();
  return reply;
}

const request = JSON.parse(process.argv[2] ?? '{}') as ProviderProbeRequest;
const reply = await probe(request);
process.stdout.write(`${JSON.stringify(reply)}\n`);
