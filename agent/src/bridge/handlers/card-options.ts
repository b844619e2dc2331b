/** The `reader` / `wait` members every card method accepts, plus the request's AbortSignal, for the card service. */
import type { CardOperationOptions } from "../../card-service";
import type { HandlerContext } from "../context";

/**
 * `signal` is read through to the request context only when the card service asks for it (an operation that waits
 * for the card): an answer from the cache then never creates the request's AbortController (dispatch.ts).
 */
export function cardOptions(
  params: { reader?: string; wait?: boolean },
  ctx: Pick<HandlerContext, "signal">,
): CardOperationOptions {
  const o: CardOperationOptions = {
    get signal() {
      return ctx.signal;
    },
  };
  if (params.reader !== undefined) o.reader = params.reader;
  if (params.wait !== undefined) o.wait = params.wait;
  return o;
}
