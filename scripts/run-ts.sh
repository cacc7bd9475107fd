#!/usr/bin/env bash
# Runs a TypeScript script of the repo (benchmarks, helpers) without a build. ts-node, told to
# prefer .ts files: tsx would resolve `X.node` imports to the codex file `X.node.json` instead of
# `X.node.ts`.
export TS_NODE_TRANSPILE_ONLY=true TS_NODE_PREFER_TS_EXTS=true
exec node -r ts-node/register "$@"
