#!/usr/bin/env node
// TEST DOUBLE for nvidia-smi: answers `nvidia-smi --query-gpu=<fields> --format=csv,noheader` from a fixed inventory,
// one line per GPU in nvidia-smi's index order, with the requested fields in the requested order. Used only to test
// the process plumbing of the GPU query and the device-index resolution; it never feeds a benchmark or a report.
//   NVIDIA_SMI_DOUBLE_INVENTORY  mixed (default: an H100 and an H200) | h200x4 (four H200, PCI buses not in
//                                nvidia-smi index order, as on boards whose slots enumerate out of order)
if (!process.argv.includes('--format=csv,noheader')) process.exit(9);
const query = process.argv.find((a) => a.startsWith('--query-gpu='));
if (!query) process.exit(9);
const driver = '550.54.15';
const inventories = {
  mixed: [
    ['00000000:18:00.0', 'NVIDIA H100 80GB HBM3', 'GPU-11111111-2222-3333-4444-555555555555'],
    ['00000000:3B:00.0', 'NVIDIA H200', 'GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'],
  ],
  h200x4: [
    ['00000000:3B:00.0', 'NVIDIA H200', 'GPU-00000000-0000-0000-0000-00000000003b'],
    ['00000000:18:00.0', 'NVIDIA H200', 'GPU-00000000-0000-0000-0000-000000000018'],
    ['00000000:DB:00.0', 'NVIDIA H200', 'GPU-00000000-0000-0000-0000-0000000000db'],
    ['00000000:9A:00.0', 'NVIDIA H200', 'GPU-00000000-0000-0000-0000-00000000009a'],
  ],
};
const gpus = inventories[process.env.NVIDIA_SMI_DOUBLE_INVENTORY ?? 'mixed'];
if (!gpus) process.exit(9);
gpus.forEach(([bus, name, uuid], index) => {
  const fields = {
    index: String(index),
    'pci.bus_id': bus,
    name,
    compute_cap: '9.0',
    uuid,
    driver_version: driver,
  };
  const wanted = query.slice('--query-gpu='.length).split(',');
  if (wanted.some((f) => !(f in fields))) process.exit(9);
  console.log(wanted.map((f) => fields[f]).join(', '));
});
