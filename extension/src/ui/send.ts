/** Typed request/answer to the background router (shared/messages.ts). Never throws: a dead worker is an answer. */
import { browser } from "wxt/browser";
import type { AnswerOf, Message, MessageType, RequestOf } from "../shared/messages";

export async function send<T extends MessageType>(type: T, request: RequestOf<T>): Promise<AnswerOf<T>> {
  try {
    const answer = (await browser.runtime.sendMessage({ type, ...request } as Message<T>)) as AnswerOf<T> | undefined;
    return answer ?? ({ ok: false, code: "ERR_INTERNAL" } as AnswerOf<T>);
  } catch {
    return { ok: false, code: "ERR_INTERNAL" } as AnswerOf<T>;
  }
}
