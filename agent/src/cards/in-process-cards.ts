/**
 * Unit-test helper: the test bench's virtual cards (scripts/src/testbed/profiles.ts) plugged into the in-process
 * fake binding (pcsc/fake-binding.ts), so drivers and the card service run against the same card models as the
 * integration tests, without pcscd. Not imported by agent code.
 */
import type { CardOptions, ProfileName, VirtualCard } from "@cps-bridge/scripts/testbed/cards/virtual-card";
import { createCard } from "@cps-bridge/scripts/testbed/profiles";
import { type CardBehaviour, FakeBinding, type FakeCardSpec } from "../pcsc/fake-binding";

export { FakeBinding };

export interface InProcessCard {
  card: VirtualCard;
  spec: FakeCardSpec;
  /** Commands the card received (copies). */
  commands: Uint8Array[];
}

/** A virtual card as a fake-binding card; `wrap` may intercept commands (delays, garbling). */
export async function inProcessCard(
  profile: ProfileName,
  options?: CardOptions,
  wrap?: (inner: CardBehaviour) => CardBehaviour,
): Promise<InProcessCard> {
  const card = await createCard(profile, options);
  card.powerOn();
  const commands: Uint8Array[] = [];
  const base: CardBehaviour = (command) => {
    commands.push(command.slice());
    return card.transmit(command);
  };
  return { card, commands, spec: { atr: card.atr, respond: wrap ? wrap(base) : base } };
}
