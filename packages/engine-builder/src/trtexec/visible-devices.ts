/**
 * Which physical GPU a CUDA device index means: what trtexec's `--device N` picks is the Nth device CUDA
 * enumerates after `CUDA_DEVICE_ORDER` and `CUDA_VISIBLE_DEVICES` (CUDA C Programming Guide, "CUDA Environment
 * Variables"), not the Nth line of nvidia-smi. Pure functions over nvidia-smi's inventory.
 */
import { ToolkitError } from '@tamkit/graph-surgery';

/** One GPU as nvidia-smi lists it (`index,pci.bus_id,name,compute_cap,uuid,driver_version`). */
export interface InventoryGpu {
  /** nvidia-smi's own index. */
  index: number;
  /** e.g. "00000000:3B:00.0". */
  pciBusId: string;
  name: string;
  computeCapability: string;
  uuid: string;
  driverVersion: string;
}

const REMEDY =
  'Set CUDA_DEVICE_ORDER=PCI_BUS_ID (then CUDA and nvidia-smi agree), or pass --gpu "name, compute_cap, uuid, driver_version".';

/**
 * The inventory in CUDA's enumeration order. With CUDA_DEVICE_ORDER=PCI_BUS_ID that is PCI bus order. With the
 * default, FASTEST_FIRST, CUDA ranks devices by a heuristic it does not document and breaks ties by PCI bus
 * order: for GPUs of one model that is PCI bus order too; for mixed models the order cannot be known from
 * outside CUDA, so it is refused rather than guessed.
 */
export function cudaOrder(inventory: readonly InventoryGpu[], deviceOrder: string | undefined): InventoryGpu[] {
  const byBus = [...inventory].sort((a, b) => (a.pciBusId < b.pciBusId ? -1 : a.pciBusId > b.pciBusId ? 1 : 0));
  if (deviceOrder === 'PCI_BUS_ID') return byBus;
  if (deviceOrder !== undefined && deviceOrder !== '' && deviceOrder !== 'FASTEST_FIRST') {
    throw new ToolkitError('GPU_ORDER_UNKNOWN', `CUDA_DEVICE_ORDER="${deviceOrder}" is not a value CUDA knows`, {
      remedy: 'Use CUDA_DEVICE_ORDER=PCI_BUS_ID or FASTEST_FIRST (the default).',
    });
  }
  const models = new Set(inventory.map((g) => `${g.name}|${g.computeCapability}`));
  if (models.size > 1) {
    throw new ToolkitError(
      'GPU_ORDER_AMBIGUOUS',
      `This machine has GPUs of different models (${[...models].map((m) => m.split('|')[0]).join(', ')}); CUDA orders them fastest first by its own heuristic, so which one a device index means is unknown`,
      { remedy: REMEDY },
    );
  }
  return byBus;
}

/**
 * Applies CUDA_VISIBLE_DEVICES to devices in CUDA order. Entries are device indices (in that order) or UUIDs
 * (`GPU-...`, a unique prefix is enough); as CUDA does, the list stops at the first entry that names no device
 * or repeats one. Undefined means all devices; an empty string means none.
 */
export function applyVisibleDevices(ordered: readonly InventoryGpu[], visible: string | undefined): InventoryGpu[] {
  if (visible === undefined) return [...ordered];
  const out: InventoryGpu[] = [];
  for (const raw of visible.split(',')) {
    const entry = raw.trim();
    let gpu: InventoryGpu | undefined;
    if (/^\d+$/.test(entry)) gpu = ordered[Number(entry)];
    else if (/^MIG-/i.test(entry)) {
      throw new ToolkitError(
        'GPU_MIG_UNSUPPORTED',
        `CUDA_VISIBLE_DEVICES names a MIG instance (${entry}); the engine cache cannot key it`,
        { remedy: 'Pass --gpu "name, compute_cap, uuid, driver_version" for the MIG instance explicitly.' },
      );
    } else if (/^GPU-/i.test(entry)) {
      const matches = ordered.filter((g) => g.uuid.toLowerCase().startsWith(entry.toLowerCase()));
      if (matches.length === 1) gpu = matches[0];
    }
    if (!gpu || out.includes(gpu)) break;
    out.push(gpu);
  }
  return out;
}

/** The GPU trtexec's `--device N` uses under `env`'s CUDA_DEVICE_ORDER and CUDA_VISIBLE_DEVICES. */
export function resolveCudaDevice(
  inventory: readonly InventoryGpu[],
  device: number,
  env: NodeJS.ProcessEnv,
): InventoryGpu {
  const visibleSetting = env.CUDA_VISIBLE_DEVICES;
  // A list of UUIDs names devices whatever CUDA's order; indices (or no list) depend on it.
  const byUuid = visibleSetting?.split(',').every((e) => /^GPU-/i.test(e.trim())) ?? false;
  const ordered = byUuid ? inventory : cudaOrder(inventory, env.CUDA_DEVICE_ORDER);
  const visible = applyVisibleDevices(ordered, visibleSetting);
  const gpu = visible[device];
  if (!gpu) {
    const why =
      visibleSetting === undefined
        ? `nvidia-smi lists ${inventory.length}`
        : `CUDA_VISIBLE_DEVICES="${visibleSetting}" leaves ${visible.length} of ${inventory.length} visible`;
    throw new ToolkitError('GPU_NOT_FOUND', `GPU ${device} does not exist (${why})`, {
      remedy: 'Choose a device index among the visible GPUs with --device, or fix CUDA_VISIBLE_DEVICES.',
    });
  }
  return gpu;
}
