import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CENSOR, createLogger, defaultLogDir, redactPaths, rotatingFileDestination, scrub } from "./log";

function memory() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

describe("log", () => {
  it("censors pin, puk, otp and nationalId at every depth, arrays included", () => {
    const { lines, stream } = memory();
    const log = createLogger({ destination: stream, level: "trace" });
    log.info(
      {
        pin: "9753",
        a: { puk: "86420000", b: { otp: "554433", c: { d: { e: { f: { g: { nationalId: "899700075122" } } } } } } },
        list: [{ pin: "9753" }, { deep: [{ nationalId: "899700075122" }] }],
        Pin: "9753",
      },
      "hello",
    );
    const out = lines.join("");
    expect(out).toContain("hello");
    expect(out).not.toContain("9753");
    expect(out).not.toContain("86420000");
    expect(out).not.toContain("554433");
    expect(out).not.toContain("899700075122");
    expect(out).toContain(CENSOR);
  });

  it("censors a mailbox password at any depth (issue 11)", () => {
    const { lines, stream } = memory();
    const log = createLogger({ destination: stream, level: "trace" });
    log.info({ password: "s3cret-imap", mailbox: { host: "imap.test", settings: { Password: "s3cret-imap" } } }, "m");
    const out = lines.join("");
    expect(out).toContain("imap.test");
    expect(out).not.toContain("s3cret-imap");
  });

  it("keeps error codes and ordinary fields", () => {
    const { lines, stream } = memory();
    const log = createLogger({ destination: stream });
    const err = Object.assign(new Error("boom"), { code: "ERR_PIN_INCORRECT" });
    log.warn({ err, reader: "R1", code: "ERR_X" }, "failed");
    const line = JSON.parse(lines[0]!);
    expect(line.err.code).toBe("ERR_PIN_INCORRECT");
    expect(line.code).toBe("ERR_X");
    expect(line.reader).toBe("R1");
  });

  it("summarises byte buffers instead of printing them", () => {
    expect(scrub({ data: new Uint8Array([1, 2, 3]) })).toEqual({ data: "[3 bytes]" });
  });

  it("builds wildcard paths to the declared depth", () => {
    const paths = redactPaths(["pin"], 2);
    expect(paths).toEqual(["pin", "*.pin", "*[*].pin", "*.*.pin", "*.*[*].pin"]);
  });

  it("chooses a per-user directory per platform", () => {
    expect(defaultLogDir({ XDG_STATE_HOME: "/s" }, "linux")).toBe("/s/cps-bridge/logs");
    expect(defaultLogDir({ LOCALAPPDATA: "C:\\L" }, "win32")).toContain("cps-bridge");
    expect(defaultLogDir({ CPS_BRIDGE_LOG_DIR: "/x" }, "linux")).toBe("/x");
  });

  it("writes a 0600 rotated file in the given directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cps-log-"));
    const dest = rotatingFileDestination({ dir, size: "1K", maxFiles: 2 });
    const log = createLogger({ destination: dest });
    for (let i = 0; i < 50; i++) log.info({ i, pin: "9753" }, "line");
    await new Promise<void>((resolve) => dest.end(resolve));
    const file = join(dir, "agent.log");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).not.toContain("9753");
    expect(statSync(join(dir, "agent.log.1")).size).toBeGreaterThan(0);
  });
});
