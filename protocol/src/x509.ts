/**
 * The one entry point to `@peculiar/x509` for every package. `@peculiar/x509` 2.x registers its algorithm
 * providers with `tsyringe`, which refuses to load unless a Reflect-metadata polyfill is installed first, so this
 * file loads `reflect-metadata` (works in Node and in the extension's service worker) before the library's first
 * evaluation, then re-exports the library unchanged. Import `@cps-bridge/protocol/x509`, never `@peculiar/x509`.
 */
import "reflect-metadata";

export * from "@peculiar/x509";
