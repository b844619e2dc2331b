/**
 * The part of the WebSocket API the agent client uses, so unit tests can drive it with an in-process fake and the
 * extension passes the browser's own `WebSocket`.
 */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

export type SocketFactory = (url: string) => SocketLike;

export const SOCKET_OPEN = 1;

/** The agent listens on IPv4 loopback only (never `localhost`, which may resolve to ::1 first). */
export function agentUrl(port: number): string {
  return `ws://127.0.0.1:${port}`;
}

export const browserSocketFactory: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;
