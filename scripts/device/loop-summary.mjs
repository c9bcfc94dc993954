#!/usr/bin/env node
// Gathers what run-loop.sh wrote under DIR into DIR/loop-summary.json and DIR/loop-summary.md: the loop per
// lever (loop-levers.json), the three stacks side by side with placement and the fastest assignment
// (stacks.json, pipeline-assignment.json), and the WebGPU output-placement calibrations (calibration-*.json).
//   node scripts/device/loop-summary.mjs DIR
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recommendAssignment } from '@tamkit/bench';

const dir = process.argv[2];
if (!dir) throw new Error('usage: loop-summary.mjs DIR');
const read = (name) => {
  const path = join(dir, name);
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    return { unreadable: String(error) };
  }
};
const ms = (v) => (typeof v === 'number' ? v.toFixed(2) : '-');
const md = ['# run-loop.sh summary', ''];
const summary = { createdAt: new Date().toISOString() };

const levers = read('loop-levers.json');
if (levers?.levers) {
  summary.levers = levers.levers.map(({ result: _, ...l }) => l);
  md.push(readFileSync(join(dir, 'loop-levers.md'), 'utf8').replace(/^# /, '## '), '');
  // A lever whose process died never rewrote the table: list it from the JSON.
  for (const l of summary.levers.filter((l) => l.error)) md.push(`- ${l.name} (${l.shapes}): ${l.error}`);
  const best = summary.levers
    .filter((l) => l.p50Ms !== undefined && l.meanMaskIou >= 0.99)
    .sort((a, b) => a.p50Ms - b.p50Ms)[0];
  summary.goal = best
    ? { lever: best.name, p50Ms: best.p50Ms, fps: best.fps, meanMaskIou: best.meanMaskIou, met: best.p50Ms <= 10 }
    : { met: false, reason: 'no lever with mean mask IoU >= 0.99' };
  md.push(
    best
      ? `Goal (<= 10.0 ms/frame p50 with mean mask IoU >= 0.99): best lever ${best.name} at ${ms(best.p50Ms)} ms/frame (${best.fps.toFixed(1)} FPS), IoU ${best.meanMaskIou.toFixed(4)}: ${best.p50Ms <= 10 ? 'met' : 'not met'}`
      : 'Goal: no lever reached mean mask IoU >= 0.99',
    '',
  );
}

const stacks = read('stacks.json');
if (stacks?.modules) {
  md.push('## Modules side by side (p50 ms; nodes and kernel ms off the requested provider)', '');
  md.push('| stack | module | p50 ms | placement |', '| --- | --- | --- | --- |');
  summary.modules = stacks.modules.map((m) => {
    const requested = m.placement?.requested;
    const off = (m.placement?.providers ?? []).filter((p) => p.provider !== requested);
    const placement = off.length
      ? off.map((p) => `${p.provider}: ${p.nodes} nodes, ${p.kernelTimeMs.toFixed(2)} ms`).join('; ')
      : 'all on requested';
    md.push(`| ${m.stack} | ${m.module} | ${ms(m.latency.p50Ms)} | ${placement} |`);
    return { stack: m.stack, module: m.module, p50Ms: m.latency.p50Ms, placement: m.placement };
  });
  for (const u of stacks.unavailable ?? []) md.push(`| ${u.stack} | unavailable | - | ${u.reason} |`);
  try {
    const rec = recommendAssignment(stacks, { allowPartialPlacement: true });
    summary.assignment = rec;
    md.push(
      '',
      `Fastest assignment: ${Object.entries(rec.assignment)
        .map(([m, s]) => `${m}=${s}`)
        .join(',')} (predicted ${ms(rec.predictedFrameMs)} ms of module time; single stacks: ${rec.singleStack
        .map((s) => `${s.stack} ${ms(s.predictedFrameMs)}`)
        .join(', ')})`,
    );
  } catch (error) {
    md.push('', `no assignment: ${error.message}`);
  }
  md.push('');
}
const assigned = read('pipeline-assignment.json');
if (assigned?.pipelines?.[0]) {
  const p = assigned.pipelines[0];
  summary.assignmentLoop = { stacks: p.stacks, p50Ms: p.perFrame.p50Ms, isolatedSumMs: p.isolatedSumMs };
  md.push(
    `Chained loop on that assignment: ${ms(p.perFrame.p50Ms)} ms/frame p50 (isolated sum ${ms(p.isolatedSumMs)})`,
    '',
  );
}

md.push('## WebGPU output placement (--device-outputs auto, then the other placement with --device-copies)', '');
summary.calibrations = {};
for (const name of ['zoo', 'real-export']) {
  const report = read(`calibration-${name}.json`);
  const p = report?.pipelines?.[0];
  if (!p) {
    md.push(`- ${name}: not run`);
    continue;
  }
  summary.calibrations[name] = { deviceOutputs: p.deviceOutputs, p50Ms: p.perFrame.p50Ms, copySavedMs: p.copySavedMs };
  md.push(
    `- ${name}: chose ${p.deviceOutputs?.chosen} (${p.deviceOutputs?.reason}); timed loop ${ms(p.perFrame.p50Ms)} ms/frame; full passes: device saves ${ms(p.copySavedMs)} ms/frame (negative: host copies faster)`,
  );
}
md.push('');
writeFileSync(join(dir, 'loop-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
writeFileSync(join(dir, 'loop-summary.md'), md.join('\n'));
process.stdout.write(md.join('\n'));
