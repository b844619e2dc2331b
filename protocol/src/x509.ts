/**
 * The one entry point to `@peculiar/x509` for every package: installs the Reflect-metadata shim it needs
 * (reflect-metadata-shim.ts explains why) before the library's first evaluation, then re-exports it unchanged.
 */
import "./reflect-metadata-shim";

export * from "@peculiar/x509";
