#!/usr/bin/env node
// Development launcher: runs the TypeScript CLI through tsx. The shipped agent is the esbuild bundle
// agent/dist/cps-bridge.cjs, which needs neither tsx nor node_modules.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
