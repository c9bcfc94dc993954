/**
 * What FP16 emulation can and cannot show, said in the reports that compare emulated files: an emulated model
 * agreeing with FP32 does not clear native FP16 of accumulation error over long reductions.
 */
import { describeEmulation, type EmulationStamp, emulationStampOf, readModel } from '@tamkit/graph-surgery';

/** The emulation record of a module file (graph-surgery's emulate-fp16 writes it), if any. */
export async function emulationOfFile(path: string): Promise<EmulationStamp | undefined> {
  return emulationStampOf(await readModel(path, { loadExternalData: false }));
}

/** One note per distinct description, naming the emulated modules it applies to. */
export function emulationNotes(emulated: readonly { module: string; stamp: EmulationStamp }[]): string[] {
  const byText = new Map<string, string[]>();
  for (const { module, stamp } of emulated) {
    const text = describeEmulation(stamp);
    byText.set(text, [...(byText.get(text) ?? []), module]);
  }
  return [...byText].map(([text, modules]) => `emulated FP16 files (${modules.join(', ')}): ${text}`);
}
