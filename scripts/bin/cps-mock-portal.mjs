#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx, so `npx cps-mock-portal` works from the repository root.
import { register } from "tsx/esm/api";

register();
await import("../src/mock-portal/cli.ts");
