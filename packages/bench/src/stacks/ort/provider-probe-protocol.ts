/** What the parent asks a provider-probe child process and what the child answers (one JSON line on stdout). */
import type { LoadedLibrary } from './loaded-libraries.js';
import type { OrtLogLevel } from './log-level.js';

/** A float32 input of the probe model. */
export interface ProbeInput {
  dims: number[];
  data: number[];
}

export interface ProviderProbeRequest {
  /** Directory of the onnxruntime-node package to load (its binding decides where provider libraries are found). */
  ortPackage: string;
  /** Backend as `executionProviders` spells it (`cuda`, `tensorrt`). */
  backend: string;
  /** ORT log level of the child's environment: what it logs while loading the provider lands on its stderr. */
  logLevel: OrtLogLevel;
  /** The probe model, ONNX bytes in base64. */
  model: string;
  inputs: Record<string, ProbeInput>;
  /** Also run the model on the CPU provider and report the largest difference over its outputs. */
  compareWithCpu: boolean;
}

export interface ProviderProbeReply {
  /** A session started on the provider (with CPU fallback disabled) and ran the model. */
  started: boolean;
  /** The error onnxruntime-node threw, when not started (often only "Failed to load shared library"). */
  error?: string;
  /** onnxruntime-node's version as the child loaded it. */
  ortVersion?: string;
  /** max |provider - cpu| over every output, with `compareWithCpu`. */
  maxAbsDifference?: number;
  /** max |cpu| over every output, the scale of that difference. */
  maxAbsReference?: number;
  /** GPU runtime libraries the child had mapped after the run (or after the failure). */
  libraries: LoadedLibrary[];
}
