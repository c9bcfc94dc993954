import type { CudaCheck } from '../cuda/check.js';
import type { InstallReport } from '../cuda/install.js';
import type { SelfTestResult } from '../cuda/self-test.js';
import type { InstalledProviders } from '../cuda/status.js';
import { describeLoadedLibraries } from '../stacks/ort/loaded-libraries.js';

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** One self-test as text: passed or why not, the CUDA vs CPU difference, the libraries that loaded. */
export function formatSelfTest(t: SelfTestResult): string {
  const lines = [
    t.passed
      ? `self-test passed in ${t.bindingDir}: CUDA vs CPU max |diff| ${t.maxAbsDifference?.toExponential(2)} (values up to ${t.maxAbsReference?.toFixed(2)})`
      : `self-test FAILED in ${t.bindingDir}: ${t.error ?? 'unknown reason'}`,
  ];
  const libraries = t.libraries.filter((l) => !l.name.startsWith('libonnxruntime'));
  if (libraries.length > 0) lines.push(`  loaded: ${describeLoadedLibraries(libraries)}`);
  if (!t.passed && t.remedy) lines.push(`  Note: ${t.remedy}`);
  return lines.join('\n');
}

/** `bench cuda install` as text. */
export function formatInstallReport(r: InstallReport): string {
  const lines = [
    `installed the CUDA ${r.cuda} providers (ONNX Runtime ${r.providerOrtVersion ?? '?'}) from ${r.source.from ?? r.source.id}`,
    `  ${r.source.description}`,
    `  driver ${r.driver}`,
    ...r.files.map(
      (f) => `  ${f.name.padEnd(38)} ${mb(f.bytes).padStart(10)}  sha256 ${f.sha256}${f.pinned ? ' (pinned)' : ''}`,
    ),
    `into ${r.bindings.length} onnxruntime-node binding(s):`,
    ...r.bindings.map(
      (b) =>
        `  ${b.bindingDir} (onnxruntime-node ${b.version})${b.replaced.length > 0 ? `, replaced ${b.replaced.join(', ')}` : ''}`,
    ),
    ...r.selfTests.map(formatSelfTest),
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join('\n');
}

/** One binding's providers as text. */
export function formatInstalled(p: InstalledProviders): string {
  const what =
    p.present.length === 0
      ? 'no provider libraries'
      : `${p.present.join(', ')}; CUDA provider ONNX Runtime ${p.providerOrtVersion ?? '?'}${p.manifest ? ` (installed by bench from ${p.manifest.source}, ${p.manifest.installedAt})` : ''}`;
  return [
    `${p.bindingDir} (onnxruntime-node ${p.coreVersion}): ${what}`,
    ...p.warnings.map((w) => `  warning: ${w}`),
  ].join('\n');
}

/** `bench cuda check` as text. */
export function formatCudaCheck(c: CudaCheck): string {
  const lines = [
    c.driver.present
      ? `NVIDIA driver ${c.driver.version} (${c.driver.source})`
      : `NVIDIA driver: none (${c.driver.reason})`,
    ...c.installs.map(formatInstalled),
    `CUDA libraries on the loader's path: ${
      Object.keys(c.runtimeLibraries).length === 0
        ? 'none'
        : Object.entries(c.runtimeLibraries)
            .map(([name, path]) => `${name} (${path})`)
            .join(', ')
    }`,
  ];
  if (c.pythonLibraryDirs.length > 0) {
    lines.push(
      `CUDA libraries in Python packages: export LD_LIBRARY_PATH=${c.pythonLibraryDirs.join(':')}:$LD_LIBRARY_PATH`,
    );
  }
  lines.push(...c.selfTests.map(formatSelfTest));
  return lines.join('\n');
}
