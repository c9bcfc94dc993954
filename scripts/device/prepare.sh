#!/usr/bin/env bash
# Packs this checkout for the GPU machine: a clean copy of the committed tree, built, with production
# dependencies only, handed to the shared pack.sh (which adds node and libvulkan and drops other platforms'
# binaries). Then call the device tool with carry [".device"] and a command starting with
#   source .device/on-device.sh && bash scripts/device/run-all.sh
# The copy unpacks at /tmp/rt/tamkit on the GPU machine.
set -euo pipefail
root=$(git rev-parse --show-toplevel)
stage=$(mktemp -d)/tamkit
git -C "$root" worktree add -q --detach "$stage" HEAD 2>/dev/null || git clone -q "$root" "$stage"
cd "$stage"
node scripts/pnpm.mjs install --frozen-lockfile >/dev/null
node scripts/pnpm.mjs -r build >/dev/null
# Dev dependencies stay (tsx runs the TypeScript benchmark scripts, vitest the GPU tests), except the linter and
# the compiler, which the GPU machine never needs and which would push the bundle past the 64 MiB carry limit.
rm -rf node_modules/.pnpm/@biomejs* node_modules/@biomejs node_modules/.pnpm/typescript@* node_modules/typescript
# Also what only this machine's tests use (the Kubernetes manifest schema, type declarations) and vite's CSS
# compiler (vitest never compiles CSS here): 2026-12-02 the bundle plus the work tree passed 64 MiB without this.
rm -rf node_modules/.pnpm/lightningcss* node_modules/.pnpm/kubernetes-models@* node_modules/.pnpm/@types+node@*
rm -f .git
cd "$root"
bash "$root/../shared/device/pack.sh" "$stage"
git -C "$root" worktree prune
