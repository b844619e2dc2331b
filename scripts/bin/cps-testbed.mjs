#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx, so `npx cps-testbed` works from the repository root.
import { register } from "tsx/esm/api";

register();
await import("../src/testbed/cli.ts");
