import { describe, expect, it } from "vitest";
import { buildProgram } from "./main";

describe("cps-bridge program", () => {
  it("registers every command, card included, with the global --lang and --log-level", () => {
    const program = buildProgram();
    expect(program.commands.map((c) => c.name()).sort()).toEqual([
      "__pkcs11-probe",
      "card",
      "diagnose",
      "install",
      "pair",
      "pairings",
      "start",
      "status",
      "stop",
      "uninstall",
      "unpair",
    ]);
    const card = program.commands.find((c) => c.name() === "card")!;
    expect(card.options.map((o) => o.long)).toEqual(["--reader", "--json", "--test-mode", "--test-anchors"]);
    expect(program.options.map((o) => o.long)).toEqual(["--version", "--lang", "--log-level"]);
  });

  it("refuses an unknown language before running anything", async () => {
    const program = buildProgram()
      .exitOverride()
      .configureOutput({ writeErr: () => {}, writeOut: () => {} });
    await expect(program.parseAsync(["node", "cps-bridge", "--lang", "de", "card"])).rejects.toMatchObject({
      code: "commander.invalidArgument",
    });
  });
});
