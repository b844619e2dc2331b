/** docs/protocol.md must keep up with the registry: every method and event has its section, numbers match. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CLOSE_CODES } from "./envelope";
import { markdownLayoutNormalised } from "./errors-doc";
import { EVENT_NAMES } from "./events";
import { DEFAULT_AGENT_PORT } from "./extension-ids";
import { MAX_CONNECTIONS, MAX_FRAME_BYTES, MAX_IN_FLIGHT_PER_CONNECTION } from "./limits";
import { METHOD_NAMES, METHODS } from "./methods/index";
import { PROTOCOL_VERSION } from "./version";

// Compared modulo layout: Biome pads the tables.
const doc = markdownLayoutNormalised(
  readFileSync(fileURLToPath(new URL("../../docs/protocol.md", import.meta.url)), "utf8"),
);

describe("docs/protocol.md", () => {
  it("has a section and a table row for every method, with its auth, card and timeout columns", () => {
    for (const m of METHOD_NAMES) {
      expect(doc, m).toContain(`### \`${m}\``);
      const def = METHODS[m];
      const row = `| \`${m}\` | ${def.requiresAuth ? "yes" : "no"} | ${def.cardOperation ? "yes" : "no"} | ${def.timeoutMs / 1000} s |`;
      expect(doc, m).toContain(row);
    }
  });

  it("has a section for every event", () => {
    for (const e of EVENT_NAMES) expect(doc, e).toContain(`### \`${e}\``);
  });

  it("states the version, the numbers and the close codes the code uses", () => {
    expect(doc).toContain(`version ${PROTOCOL_VERSION}`);
    expect(doc).toContain(`default port **${DEFAULT_AGENT_PORT}**`);
    expect(doc).toContain(MAX_FRAME_BYTES.toLocaleString("en-US"));
    expect(doc).toContain(`| ${MAX_IN_FLIGHT_PER_CONNECTION} (\`MAX_IN_FLIGHT_PER_CONNECTION\`)`);
    expect(doc).toContain(`| ${MAX_CONNECTIONS} (\`MAX_CONNECTIONS\`)`);
    for (const code of Object.values(CLOSE_CODES)) expect(doc, String(code)).toContain(`| ${code} |`);
  });

  it("carries the authentication test vector checked by auth-transcript.test.ts", () => {
    expect(doc).toContain("474945a5a5ef92c2eaea9ea37e5247c6781b06d85f74eeeb7187c21fea9a3672");
  });
});
