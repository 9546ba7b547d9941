#!/usr/bin/env python3
"""Enlarge a board snapshot PNG so a person can look at it.

usage: tools/ledview.py IN.png OUT.png [--scale N] [--dots]

Each board pixel becomes an N x N block (default 4); with --dots it is
drawn as a round LED with a dark gap, the way the board looks from the
street.  Standard library only: reads 8-bit RGB/RGBA PNGs as tafeld writes
them and writes an RGB PNG.
"""
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or interlace:
                sys.exit(f"{path}: only 8-bit RGB/RGBA non-interlaced PNGs")
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pred) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def write_png(path, w, h, rows):
    raw = b"".join(b"\x00" + bytes(r) for r in rows)

    def chunk(kind, body):
        c = struct.pack(">I", len(body)) + kind + body
        return c + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(
        ">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    open(path, "wb").write(png)


def main():
    args = sys.argv[1:]
    scale, dots = 4, "--dots" in args
    if "--scale" in args:
        i = args.index("--scale")
        scale = int(args[i + 1])
        del args[i:i + 2]
    args = [a for a in args if a != "--dots"]
    if len(args) != 2 or not 1 <= scale <= 32:
        sys.exit(__doc__)
    w, h, rows = read_png(args[0])
    r = scale / 2 - (0.3 if dots else 0)
    mask = [[(not dots) or ((x + 0.5 - scale / 2) ** 2 +
             (y + 0.5 - scale / 2) ** 2 <= r * r)
             for x in range(scale)] for y in range(scale)]
    out = []
    for row in rows:
        for my in range(scale):
            line = bytearray()
            for px in row:
                unlit = (18, 18, 18) if dots else px
                for mx in range(scale):
                    lit = px if px != (0, 0, 0) or not dots else unlit
                    line += bytes(lit if mask[my][mx] else (0, 0, 0))
            out.append(line)
    write_png(args[1], w * scale, h * scale, out)


if __name__ == "__main__":
    main()
