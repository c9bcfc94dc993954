#!/usr/bin/env node
// TEST DOUBLE for nvidia-smi: prints a fixed two-GPU inventory in the CSV format of
// `nvidia-smi --query-gpu=name,compute_cap,uuid,driver_version --format=csv,noheader`. Used only to test the
// process plumbing of the GPU query; it never feeds a benchmark or a report.
if (!process.argv.includes('--format=csv,noheader')) process.exit(9);
console.log('NVIDIA H100 80GB HBM3, 9.0, GPU-11111111-2222-3333-4444-555555555555, 550.54.15');
console.log('NVIDIA H200, 9.0, GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee, 550.54.15');
