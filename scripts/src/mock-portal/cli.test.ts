/** `npx cps-mock-portal`: one JSON line when ready, clean stop on SIGTERM, clear errors on bad input. */
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/cps-mock-portal.mjs", import.meta.url));

describe("cps-mock-portal CLI", () => {
  it("prints its URLs as one JSON line, serves, and stops on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN, "--port", "0", "--mode", "real", "--mail-delay", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c) => {
        out += c;
        const i = out.indexOf("\n");
        if (i >= 0) resolve(out.slice(0, i));
      });
      child.once("exit", (code) => reject(new Error(`exited ${code}`)));
      setTimeout(() => reject(new Error("no ready line in 20 s")), 20_000);
    });
    const info = JSON.parse(line) as {
      url: string;
      login: string;
      mode: string;
      mailbox: { http: string };
      admin: { base: string; endpoints: string[] };
    };
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(info.mode).toBe("real");
    expect(info.login).toBe(
      `${info.url}/Trajectoire/Pages/AccesLibre/Login.aspx?ReturnUrl=%2fTrajectoire%2fpages%2fAccesRestreint%2fAngular%2fApp.aspx%2fMedecinLiberal%2fTDB`,
    );
    expect(info.mailbox.http).toBe(`${info.url}/__mailbox`);
    expect(info.admin.endpoints.length).toBeGreaterThan(5);
    expect((await fetch(info.login)).status).toBe(200);
    expect(((await (await fetch(`${info.admin.base}/state`)).json()) as { mode: string }).mode).toBe("real");
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 30_000);

  it("refuses a bad port and a port in use with a clear message", async () => {
    const bad = spawnSync(process.execPath, [BIN, "--port", "70000"], { encoding: "utf8", timeout: 20_000 });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--port must be an integer from 0 to 65535/);

    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const busy = spawnSync(process.execPath, [BIN, "--port", String(port)], { encoding: "utf8", timeout: 20_000 });
      expect(busy.status).toBe(1);
      expect(busy.stderr).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
    const mode = spawnSync(process.execPath, [BIN, "--mode", "fake"], { encoding: "utf8", timeout: 20_000 });
    expect(mode.status).not.toBe(0);
    expect(mode.stderr).toMatch(/Allowed choices are token, real/);
  }, 60_000);
});
