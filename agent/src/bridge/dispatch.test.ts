/**
 * dispatch.ts on an in-process Connection (no socket): the request's AbortSignal is made only when the card service
 * reads it, and a signal first read after the deadline or after the connection closed is already aborted.
 */
import type { ResponseFrame } from "@cps-bridge/protocol/envelope";
import { BridgeError } from "@cps-bridge/protocol/errors";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import type { CardOperationOptions, CardService } from "../card-service";
import { defaultConfig } from "../config";
import { Connection } from "./connection";
import type { BridgeServices } from "./context";
import { dispatchFrame } from "./dispatch";
import { HANDLERS } from "./handlers/index";

const STATUS = { name: "Fake Reader 00", state: "empty" as const };

function setup(cardStatus: (o?: CardOperationOptions) => Promise<unknown>) {
  const sent: ResponseFrame[] = [];
  const ws = {
    bufferedAmount: 0,
    send: (t: string) => sent.push(JSON.parse(t) as ResponseFrame),
    close: () => undefined,
    terminate: () => undefined,
  };
  const conn = new Connection(ws as never, "chrome-extension://test", "normal", "127.0.0.1", 1 << 20);
  conn.helloDone = true;
  conn.authenticated = true;
  const config = defaultConfig();
  config.limits.maxRequestTimeoutMs = 50;
  const services = { config, log: pino({ level: "silent" }), cardService: { cardStatus } as unknown as CardService };
  const send = (id: string) =>
    dispatchFrame(
      conn,
      Buffer.from(`{"v":1,"id":"${id}","type":"req","method":"card.status","params":{}}`),
      false,
      services as unknown as BridgeServices,
      HANDLERS,
    );
  return { conn, sent, send };
}

describe("dispatchFrame and the request's AbortSignal", () => {
  it("answers from a service that never reads the signal without creating one or listening on the connection", async () => {
    const { conn, sent, send } = setup(async () => STATUS);
    const listen = vi.spyOn(conn.lifetime.signal, "addEventListener");
    await send("r1");
    expect(sent).toEqual([{ v: 1, id: "r1", type: "res", ok: true, result: STATUS }]);
    expect(listen).not.toHaveBeenCalled();
    expect(conn.inFlight).toBe(0);
  });

  it("gives a signal already aborted with ERR_TIMEOUT when it is first read after the deadline", async () => {
    let seen: AbortSignal | undefined;
    const { sent, send } = setup(async (o) => {
      await new Promise((r) => setTimeout(r, 120));
      seen = o?.signal;
      return STATUS;
    });
    await send("r2");
    expect(sent[0]).toMatchObject({ id: "r2", ok: false, error: { code: "ERR_TIMEOUT" } });
    await vi.waitFor(() => expect(seen).toBeDefined());
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(BridgeError);
    expect(seen?.reason).toMatchObject({ code: "ERR_TIMEOUT" });
  });

  it("aborts a signal read before the deadline when the deadline passes, and removes its listener after", async () => {
    let seen: AbortSignal | undefined;
    const { conn, sent, send } = setup((o) => {
      seen = o?.signal;
      return new Promise(() => undefined);
    });
    const unlisten = vi.spyOn(conn.lifetime.signal, "removeEventListener");
    await send("r3");
    expect(sent[0]).toMatchObject({ id: "r3", ok: false, error: { code: "ERR_TIMEOUT" } });
    expect(seen?.aborted).toBe(true);
    expect(unlisten).toHaveBeenCalledTimes(1);
  });

  it("aborts the signal when the connection closes, and a signal first read after that is born aborted", async () => {
    const signals: Array<AbortSignal | undefined> = [];
    const gates: Array<() => void> = [];
    const gate = () => new Promise<void>((r) => gates.push(r));
    // r4 reads its signal, then waits; r5 waits, then reads its signal.
    const { conn, send } = setup(async (o) => {
      if (signals.length === 0) {
        signals.push(o?.signal);
        await gate();
      } else {
        await gate();
        signals.push(o?.signal);
      }
      return STATUS;
    });
    const r4 = send("r4");
    await vi.waitFor(() => expect(gates).toHaveLength(1));
    const r5 = send("r5");
    await vi.waitFor(() => expect(gates).toHaveLength(2));
    conn.markClosed();
    expect(signals[0]?.aborted).toBe(true);
    expect(signals[0]?.reason).toMatchObject({ code: "ERR_CARD_OPERATION_FAILED" });
    for (const open of gates) open();
    await Promise.all([r4, r5]);
    expect(signals[1]?.aborted).toBe(true);
    expect(signals[1]?.reason).toMatchObject({ code: "ERR_CARD_OPERATION_FAILED" });
  });
});
