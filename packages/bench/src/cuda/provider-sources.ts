/**
 * Where ONNX Runtime's CUDA provider libraries come from, pinned. onnxruntime-node ships the CPU and WebGPU
 * providers; the CUDA (and TensorRT) providers are ~230 MB and come from elsewhere:
 * - CUDA 12: the official route, onnxruntime-node's own installer (`ONNXRUNTIME_NODE_INSTALL=cuda12`), which
 *   fetches Microsoft.ML.OnnxRuntime.Gpu.Linux of the same version as onnxruntime-node from NuGet.
 * - CUDA 13: no official prebuilt for Node. The npm package below repackages ONNX Runtime 1.29.0's official
 *   linux-x64 GPU build for CUDA 13 (MIT, by Koki Ibukuro); version and every byte are pinned here.
 */

/** The provider libraries ONNX Runtime looks for next to its binding (the CUDA provider needs the shared one). */
export const PROVIDER_LIBRARIES = {
  shared: 'libonnxruntime_providers_shared.so',
  cuda: 'libonnxruntime_providers_cuda.so',
  tensorrt: 'libonnxruntime_providers_tensorrt.so',
} as const;

/** The order files land in a binding: the CUDA provider last, so a process killed midway leaves it absent, not half there. */
export const INSTALL_ORDER = [PROVIDER_LIBRARIES.shared, PROVIDER_LIBRARIES.tensorrt, PROVIDER_LIBRARIES.cuda] as const;

/** What bench records next to the libraries it installed (`bench list` and reports read it). */
export const INSTALL_MANIFEST = 'tamkit-ort-providers.json';

/** One provider library and, where the source pins it, its SHA-256. */
export interface ProviderFile {
  name: string;
  sha256?: string;
}

/** A pinned source of provider libraries. */
export interface ProviderSource {
  id: string;
  /** CUDA major version the providers are built for. */
  cuda: 12 | 13;
  /** ONNX Runtime version the providers were built from (the CUDA 12 route follows onnxruntime-node's). */
  ortVersion?: string;
  description: string;
  files: ProviderFile[];
  /** An npm package holding the libraries: name, version, tarball SHA-256, folder of the libraries inside it. */
  npm?: { name: string; version: string; tarballSha256: string; libraryDir: string };
  /** Installed by onnxruntime-node's own installer with this ONNXRUNTIME_NODE_INSTALL value. */
  ortInstaller?: string;
}

export const CUDA13_NPM_SOURCE: ProviderSource = {
  id: 'cuda13-npm',
  cuda: 13,
  ortVersion: '1.29.0',
  description:
    'ONNX Runtime 1.29.0 linux-x64 GPU providers for CUDA 13 and cuDNN 9, from npm com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9 (MIT)',
  npm: {
    name: 'com.github.asus4.onnxruntime.linux-x64-gpu',
    version: '0.4.9',
    tarballSha256: '2b459e0c17f340c92970c10ed86de4f37a3009f93c14053e6ad4334cbb6be412',
    libraryDir: 'package/Plugins/Linux/x64',
  },
  files: [
    { name: PROVIDER_LIBRARIES.shared, sha256: 'c6a12593396095f5670160e284c35d1700b7708cf3037b7042e2a5200ccae772' },
    { name: PROVIDER_LIBRARIES.tensorrt, sha256: 'ef6071798a339038ad66c428fb1a809cf8e499bffc3b6870e4e8bc4f4c6a6320' },
    { name: PROVIDER_LIBRARIES.cuda, sha256: '56cf3254b118ad837ccc4ed8f6d1b23504bbf7ef91b34cbc0b289cb7f10b3037' },
  ],
};

export const CUDA12_OFFICIAL_SOURCE: ProviderSource = {
  id: 'cuda12-official',
  cuda: 12,
  description:
    "ONNX Runtime's official linux-x64 GPU providers for CUDA 12 and cuDNN 9 (NuGet Microsoft.ML.OnnxRuntime.Gpu.Linux of onnxruntime-node's version), through onnxruntime-node's installer",
  ortInstaller: 'cuda12',
  files: [
    { name: PROVIDER_LIBRARIES.shared },
    { name: PROVIDER_LIBRARIES.tensorrt },
    { name: PROVIDER_LIBRARIES.cuda },
  ],
};

/** The sources by CUDA major version. */
export const PROVIDER_SOURCES: Record<12 | 13, ProviderSource> = { 12: CUDA12_OFFICIAL_SOURCE, 13: CUDA13_NPM_SOURCE };

/** `name@version` of a source's npm package. */
export const npmSpec = (source: ProviderSource): string =>
  source.npm === undefined ? '' : `${source.npm.name}@${source.npm.version}`;
