// Draws media/icon.png (128×128) with no image tools: a loop ring with one red "stalled" arc.
import { deflateSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';

const size = 128;
const samples = 4; // supersampling per axis, for smooth edges
const bg = [30, 30, 46], ring = [79, 195, 247], stall = [255, 82, 82];

/** Colour and coverage of one sub-pixel sample, or null when transparent. */
function shade(x, y) {
  const r = 22, inset = 4; // rounded-square corner radius and margin
  const qx = Math.max(inset + r - x, 0, x - (size - inset - r));
  const qy = Math.max(inset + r - y, 0, y - (size - inset - r));
  if (Math.hypot(qx, qy) > r) return null;
  const dx = x - size / 2, dy = y - size / 2, d = Math.hypot(dx, dy);
  const angle = (Math.atan2(dy, dx) * 180) / Math.PI; // -180..180, 0 = right, clockwise
  if (d < 10) return stall;
  if (d > 34 && d < 46) {
    if (angle > -60 && angle < 10) return stall;
    if (angle > 20 || angle < -75) return ring;
  }
  return bg;
}

const raw = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) {
  raw[y * (size * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < size; x++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < samples; sy++) for (let sx = 0; sx < samples; sx++) {
      const c = shade(x + (sx + 0.5) / samples, y + (sy + 0.5) / samples);
      if (!c) continue;
      acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3]++;
    }
    const o = y * (size * 4 + 1) + 1 + x * 4;
    const n = acc[3] || 1;
    raw[o] = acc[0] / n; raw[o + 1] = acc[1] / n; raw[o + 2] = acc[2] / n;
    raw[o + 3] = Math.round((acc[3] / (samples * samples)) * 255);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
  return Buffer.concat([len, body, sum]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0); header.writeUInt32BE(size, 4);
header[8] = 8; header[9] = 6; // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
