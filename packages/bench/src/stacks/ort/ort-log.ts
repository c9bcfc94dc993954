/**
 * Reading what ONNX Runtime logs on stderr. Its lines look like
 *   \x1b[1;31m2026-12-02 05:22:59.22 [E:onnxruntime:onnxruntime-node, provider_bridge_ort.cc:2146 Create]
 *   /onnxruntime_src/.../provider_bridge_ort.cc:1988 onnxruntime::Provider& ...::Get() [ONNXRuntimeError] : 1 :
 *   FAIL : Failed to load library .../libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open
 *   shared object file: No such file or directory\x1b[m
 * and what a user can act on is the text after the status code. Pure functions.
 */

const ANSI = /\x1b\[[0-9;]*m/g;
// `2026-12-02 05:22:59.222614767 [E:onnxruntime:logid, file.cc:123 Function] `
const ORT_PREFIX = /^\S+ \S+ \[([VIWEF]):onnxruntime:[^\]]*\]\s*/;
// `/onnxruntime_src/path/file.cc:1988 signature [ONNXRuntimeError] : 1 : FAIL : `
const STATUS_PREFIX = /^.*?\[ONNXRuntimeError\] : \d+ : [A-Z_]+ : /;

/** One line ORT logged: severity letter (V, I, W, E, F) and the cleaned text. */
export interface OrtLogLine {
  severity: 'V' | 'I' | 'W' | 'E' | 'F';
  text: string;
}

/**
 * ORT's log lines in a captured stderr, ANSI colours and source locations removed, duplicates dropped, in order.
 * Lines that are not ORT's (e.g. `terminate called after throwing ...` from a native abort) come back with
 * severity `F` when non-empty, because they are what a crashed process said last.
 */
export function parseOrtLog(stderr: string): OrtLogLine[] {
  const lines: OrtLogLine[] = [];
  const seen = new Set<string>();
  for (const raw of stderr.replace(ANSI, '').split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const prefix = ORT_PREFIX.exec(line);
    const severity = (prefix?.[1] ?? 'F') as OrtLogLine['severity'];
    const text = (prefix ? line.slice(prefix[0].length) : line).replace(STATUS_PREFIX, '').trim();
    if (text === '' || seen.has(text)) continue;
    seen.add(text);
    lines.push({ severity, text });
  }
  return lines;
}

/** The warnings and errors of a parsed log (what a typed error should quote). */
export function significantLines(lines: readonly OrtLogLine[]): string[] {
  return lines.filter((l) => l.severity === 'W' || l.severity === 'E' || l.severity === 'F').map((l) => l.text);
}

/** The shared libraries a loader message says it could not open (`libnvinfer.so.10: cannot open shared object file`). */
export function missingLibraries(texts: readonly string[]): string[] {
  const missing = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(/(lib[\w+.-]+\.so(?:\.\d+)*): cannot open shared object file/g)) missing.add(m[1]!);
  }
  return [...missing];
}

/**
 * What to do about libraries the loader could not find, or undefined when none is a CUDA or TensorRT library
 * (the caller's own remedy applies): TensorRT's libraries mean TensorRT is not installed; the CUDA runtime, math
 * and cuDNN libraries belong on LD_LIBRARY_PATH.
 */
export function remedyForMissingLibraries(missing: readonly string[]): string | undefined {
  const tensorrt = missing.filter((l) => /^lib(nvinfer|nvonnxparser)/.test(l));
  if (tensorrt.length > 0) {
    return (
      `TensorRT is not installed here (${tensorrt.join(', ')} not found): install TensorRT 10 and put its lib folder ` +
      'on LD_LIBRARY_PATH, or use the ort-cuda stack (CUDA provider) or the trt-* stacks (trtexec).'
    );
  }
  const cuda = missing.filter((l) => /^lib(cu|nvrtc|nvJitLink)/.test(l));
  if (cuda.includes('libcuda.so.1')) {
    return 'libcuda.so.1 (the NVIDIA driver) is not found: the CUDA provider needs a machine with an NVIDIA GPU and its driver.';
  }
  if (cuda.length === 0) return undefined;
  return (
    `The dynamic loader cannot find ${cuda.join(', ')}: put the CUDA runtime, cuBLAS, cuRAND and cuDNN 9 ` +
    'libraries the provider was built for on LD_LIBRARY_PATH before starting node (a PyTorch install ships them ' +
    'under site-packages/nvidia; `bench cuda check` lists the folders it finds).'
  );
}
