/**
 * Draws the toolbar and store icons (public/icon/<size>.png) with code, so they can be redrawn and reviewed in a
 * diff: a blue card with a gold chip and a white check mark (no caduceus, no third-party artwork).
 * Run: `npm run icons -w extension` (writes the PNGs that are committed). Pure Node: zlib + a tiny PNG writer,
 * shapes as signed distance functions, 4×4 supersampling for smooth edges.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateSync } from "node:zlib";

type RGBA = [number, number, number, number];

const CARD: RGBA = [0x1f, 0x5f, 0xa8, 255];
const CHIP: RGBA = [0xf4, 0xc9, 0x5d, 255];
const CHECK: RGBA = [255, 255, 255, 255];

/** Distance to a rounded rectangle (negative inside). Coordinates in a 32×32 design space. */
function roundedRect(px: number, py: number, x: number, y: number, w: number, h: number, r: number): number {
  const cx = x + w / 2;
  const cy = y + h / 2;
  const qx = Math.abs(px - cx) - (w / 2 - r);
  const qy = Math.abs(py - cy) - (h / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

function segment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The colour at a design-space point (later shapes on top). Small sizes get a bolder check and no chip. */
function colourAt(x: number, y: number, size: number): RGBA | undefined {
  const small = size <= 16;
  let c: RGBA | undefined;
  // A taller card at small sizes, so the check mark keeps enough pixels.
  const card = small ? roundedRect(x, y, 1, 4, 30, 24, 4) : roundedRect(x, y, 2, 6, 28, 20, 3.5);
  if (card <= 0) c = CARD;
  if (!small && roundedRect(x, y, 6, 11, 6, 5, 1) <= 0) c = CHIP;
  const w = small ? 4.2 : 2.8;
  const check = small
    ? Math.min(segment(x, y, 8, 16.5, 13.5, 22), segment(x, y, 13.5, 22, 24, 10.5))
    : Math.min(segment(x, y, 15, 17.5, 18.2, 20.7), segment(x, y, 18.2, 20.7, 25, 13.5));
  if (check <= w / 2) c = CHECK;
  return c;
}

function render(size: number): Buffer {
  const ss = 4;
  const rows: Buffer[] = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    row[0] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const x = ((px + (sx + 0.5) / ss) / size) * 32;
          const y = ((py + (sy + 0.5) / ss) / size) * 32;
          const c = colourAt(x, y, size);
          if (c) {
            r += c[0];
            g += c[1];
            b += c[2];
            a += c[3];
          }
        }
      }
      const n = ss * ss;
      const alpha = a / n;
      // Un-premultiply: colour averaged over covered samples only.
      const covered = alpha / 255;
      row[1 + px * 4] = covered > 0 ? Math.round(r / n / covered) : 0;
      row[2 + px * 4] = covered > 0 ? Math.round(g / n / covered) : 0;
      row[3 + px * 4] = covered > 0 ? Math.round(b / n / covered) : 0;
      row[4 + px * 4] = Math.round(alpha);
    }
    rows.push(row);
  }
  return png(size, size, Buffer.concat(rows));
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(width: number, height: number, raw: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export const ICON_SIZES = [16, 32, 48, 96, 128] as const;

const outDir = join(dirname(fileURLToPath(import.meta.url)), "..", "public", "icon");
mkdirSync(outDir, { recursive: true });
for (const size of ICON_SIZES) {
  const file = join(outDir, `${size}.png`);
  writeFileSync(file, render(size));
  console.log(file);
}
