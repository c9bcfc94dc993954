/** The tactic TensorRT chose for one layer during autotuning (verbose build log). */
export interface TacticChoice {
  layer: string;
  /** From "Chose Runner Type"; absent when the log stops before the choice. */
  runnerType?: string;
  tactic?: string;
  /** Fastest measured time of the chosen tactic, ms, when reported. */
  timeMs?: number;
  /** The format combinations tried, e.g. "Half(...) -> Half(...)". */
  formats: string[];
}

/** One line of the "Engine Layer Information" block of a verbose build log. */
export interface BuildLogLayer {
  layerType: string;
  name: string;
  tactic: string;
  inputs: { name: string; type: string; dims: string }[];
  outputs: { name: string; type: string; dims: string }[];
}

export interface BuildLogSummary {
  tacticChoices: TacticChoice[];
  engineLayers: BuildLogLayer[];
  warnings: string[];
  errors: string[];
  /** True when a layer's timing began but no choice followed (the log is truncated or the build died). */
  incomplete: boolean;
}

function stripPrefix(line: string): string {
  // "[11/27/2026-02:08:07] [V] [TRT] text" -> "text"; keeps the severity for the caller.
  return line.replace(/^(\[[^\]]*\]\s*)*/, '');
}

function severity(line: string): string | undefined {
  return /\[(V|I|W|E|F)\]/.exec(line)?.[1];
}

/** Splits `a[Float(1,3)], b c[Half(2)]` into tensors; names may contain commas and spaces. */
function tensors(text: string): BuildLogLayer['inputs'] {
  const out: BuildLogLayer['inputs'] = [];
  for (const m of text.matchAll(/(.*?)\[(\w+)\(([^)]*)\)\](?:,\s*|$)/g)) {
    out.push({ name: m[1]!.trim(), type: m[2]!, dims: m[3]! });
  }
  return out;
}

/**
 * Parses a trtexec build log (with --verbose for tactics): per layer the tactic chosen during autotuning
 * ("Computing costs for", "Fastest Tactic", "Chose Runner Type"), the "Engine Layer Information" lines, and the
 * warnings and errors. Tolerates truncated logs: what was read is returned and `incomplete` is set.
 */
export function parseBuildLog(log: string): BuildLogSummary {
  const summary: BuildLogSummary = { tacticChoices: [], engineLayers: [], warnings: [], errors: [], incomplete: false };
  let current: TacticChoice | undefined;
  let inLayerInfo = false;
  for (const raw of log.split(/\r?\n/)) {
    const sev = severity(raw);
    const line = stripPrefix(raw).trim();
    if (sev === 'W') summary.warnings.push(line);
    if (sev === 'E' || sev === 'F') summary.errors.push(line);
    const costs = /^=+ Computing costs for (.+)$/.exec(line);
    if (costs) {
      current = { layer: costs[1]!.trim(), formats: [] };
      summary.tacticChoices.push(current);
      inLayerInfo = false;
      continue;
    }
    const format = /^\*+ Autotuning format combination: (.*?) \*+$/.exec(line);
    if (format && current) {
      current.formats.push(format[1]!);
      continue;
    }
    const fastest = /^Fastest Tactic: (\S+) Time: ([\d.eE+-]+)/.exec(line);
    if (fastest && current) {
      current.timeMs = Number(fastest[2]);
      continue;
    }
    const chose = /^>+ Chose Runner Type: (\S+) Tactic: (\S+)/.exec(line);
    if (chose && current) {
      current.runnerType = chose[1]!;
      current.tactic = chose[2]!;
      continue;
    }
    if (/^Engine Layer Information:/.test(line)) {
      inLayerInfo = true;
      continue;
    }
    const layer = /^Layer\(([^)]*)\): (.*), Tactic: (\S+), (.*)$/.exec(line);
    if (layer && inLayerInfo) {
      const [ins = '', outs = ''] = layer[4]!.split(' -> ');
      summary.engineLayers.push({
        layerType: layer[1]!,
        name: layer[2]!,
        tactic: layer[3]!,
        inputs: tensors(ins),
        outputs: tensors(outs),
      });
    }
  }
  summary.incomplete = summary.tacticChoices.some((c) => c.tactic === undefined);
  return summary;
}
