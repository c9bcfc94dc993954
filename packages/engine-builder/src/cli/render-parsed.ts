import { KIND_DESCRIPTIONS } from '../parsers/errors.js';
import { reportLayerPrecisions } from '../parsers/precision-report.js';
import type { TimingStats } from '../parsers/summary.js';
import type { UnavailableStat } from '../parsers/times.js';
import type { TrtexecFileResult } from '../trtexec-file.js';
import { textTable } from './options.js';
import { renderReport } from './render.js';

const ms = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v));

function statsTable(rows: [string, TimingStats | UnavailableStat][]): string {
  const percentileKeys = [...new Set(rows.flatMap(([, s]) => ('unavailable' in s ? [] : Object.keys(s.percentiles))))];
  const header = ['ms', 'min', 'median', 'mean', 'max', ...percentileKeys.map((p) => `p${p}`)];
  return textTable(
    header,
    rows.map(([label, s]) =>
      'unavailable' in s
        ? [label, 'unavailable']
        : [label, ms(s.min), ms(s.median), ms(s.mean), ms(s.max), ...percentileKeys.map((p) => ms(s.percentiles[p]!))],
    ),
  );
}

function renderBody(result: TrtexecFileResult): string[] {
  const p = result.parsed;
  switch (p.kind) {
    case 'summary': {
      const s = p.summary;
      const lines = [
        `throughput: ${s.throughputQps} qps${s.timedQueries !== undefined ? ` (${s.timedQueries} timed queries)` : ''}`,
        statsTable([
          ['latency', s.latency],
          ['enqueue', s.enqueueTime],
          ['H2D', s.h2dLatency],
          ['GPU compute', s.gpuComputeTime],
          ['D2H', s.d2hLatency],
        ]),
        `total host walltime: ${s.totalHostWalltimeS} s, total GPU compute time: ${s.totalGpuComputeTimeS} s`,
      ];
      for (const w of s.warnings) lines.push(`warning (${w.kind}, line ${w.line}): ${w.message}`);
      return lines;
    }
    case 'times': {
      if (!p.stats) return ['0 iterations'];
      return [
        `${p.iterations.length} iterations`,
        statsTable([
          ['latency', p.stats.latency],
          ['enqueue', p.stats.enqueueTime],
          ['H2D', p.stats.h2dLatency],
          ['GPU compute', p.stats.gpuComputeTime],
          ['D2H', p.stats.d2hLatency],
        ]),
        `enqueue time unavailable: ${p.stats.enqueueTime.reason}`,
      ];
    }
    case 'profile': {
      const rows = [...p.profile.layers]
        .sort((a, b) => b.timeMs - a.timeMs)
        .map((l) => [l.name, ms(l.averageMs), l.medianMs === undefined ? '' : ms(l.medianMs), ms(l.percentage)]);
      return [
        `${p.profile.layers.length} layers, ${p.profile.count} profiled iterations (slowest first)`,
        textTable(['layer', 'average ms', 'median ms', '%'], rows),
      ];
    }
    case 'layers':
      return [
        `${p.info.layers.length} layers (${p.info.verbosity}), I/O tensors: ${p.info.ioTensors.map((t) => t.name).join(', ')}`,
        renderReport(reportLayerPrecisions(p.info, [])),
      ];
    case 'build-log': {
      const log = p.log;
      const lines = [
        `build: ${log.outcome.toUpperCase()}`,
        `${log.tacticChoices.length} autotuning blocks, ${log.engineLayers.length} engine layers, ${log.warnings.length} warnings, ${log.errors.length} errors`,
      ];
      if (log.engineLayers.length > 0) {
        const rows = log.engineLayers.map((l) => {
          const time = log.tacticChoices.findLast((c) => c.layer === l.name)?.selected?.timeMs;
          return [
            l.name,
            l.layerType,
            l.tactic,
            time === undefined ? '' : ms(time),
            l.outputs.map((t) => t.type).join(','),
          ];
        });
        lines.push(textTable(['layer', 'type', 'tactic', 'tuned ms', 'outputs'], rows));
      }
      for (const e of log.errors) lines.push(`error: ${e}`);
      return lines;
    }
    case 'output':
      return p.tensors.map((t) => `${t.name}: ${t.dimensions.join('x')} (${t.values.length} values)`);
  }
}

/** A readable summary of a parsed trtexec file. */
export function renderParsed(result: TrtexecFileResult): string {
  const p = result.parsed;
  const version = 'tensorrt' in p && p.tensorrt ? `, TensorRT ${p.tensorrt}` : '';
  const how = result.detected ? 'detected' : 'as given';
  return [`${result.file}: ${KIND_DESCRIPTIONS[p.kind]} (${how}${version})`, ...renderBody(result)].join('\n');
}
