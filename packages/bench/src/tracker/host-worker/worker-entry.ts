/** The host-stage worker: runs preprocessing and mask upsampling off the thread that runs inference. */
import { parentPort } from 'node:worker_threads';
import { Preprocessor } from '../../preprocess/preprocessor.js';
import { BilinearResizer } from '../bilinear.js';
import { chwToTokens } from '../layout.js';
import { type HostJob, type HostReply, jobInput, transfers } from './protocol.js';

const preprocessors = new Map<number, Preprocessor>();
const resizers = new Map<string, BilinearResizer>();

function run(job: HostJob): void {
  if (job.kind === 'preprocess') {
    let pre = preprocessors.get(job.size);
    if (!pre) {
      pre = new Preprocessor({ size: job.size });
      preprocessors.set(job.size, pre);
    }
    const data = job.pixels instanceof ArrayBuffer ? new Uint8Array(job.pixels) : job.pixels;
    const frame = { data, width: job.width, height: job.height, channels: job.channels };
    const out = new Float32Array(job.out);
    const result = pre.fromRgb(frame, out);
    // A preprocessor may hand back a view of its own memory rather than filling `out`: copy it over then.
    if (result !== out) out.set(result);
    return;
  }
  if (job.kind === 'tokens') {
    chwToTokens(new Float32Array(job.source), job.channels, job.hw, new Float32Array(job.out));
    return;
  }
  const key = `${job.height}x${job.width}->${job.side}`;
  let resizer = resizers.get(key);
  if (!resizer) {
    resizer = new BilinearResizer(job.height, job.width, job.side, job.side);
    resizers.set(key, resizer);
  }
  resizer.toMaskForMem(new Float32Array(job.logits), new Float32Array(job.out), job.scale, job.bias);
}

parentPort?.on('message', (job: HostJob) => {
  const given = jobInput(job);
  const input = given instanceof ArrayBuffer ? given : undefined;
  let reply: HostReply;
  try {
    run(job);
    reply = { id: job.id, ok: true, input, out: job.out };
  } catch (error) {
    reply = {
      id: job.id,
      ok: false,
      message: error instanceof Error ? error.message : String(error),
      input,
      out: job.out,
    };
  }
  parentPort?.postMessage(reply, transfers(reply));
});
