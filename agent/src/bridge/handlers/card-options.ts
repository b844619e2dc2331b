/** The `reader` / `wait` members every card method accepts, plus the request's AbortSignal, for the card service. */
import type { CardOperationOptions } from "../../card-service";

export function cardOptions(params: { reader?: string; wait?: boolean }, signal: AbortSignal): CardOperationOptions {
  const o: CardOperationOptions = { signal };
  if (params.reader !== undefined) o.reader = params.reader;
  if (params.wait !== undefined) o.wait = params.wait;
  return o;
}
