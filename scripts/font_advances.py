#!/usr/bin/env python3
"""Prints the advance widths (per 1,000 units of the em) of the characters seglab's charts
measure, read from a TrueType font, as the Swift dictionary literal of
Sources/SeglabCharts/Text/TextMeasure.swift.

    python3 scripts/font_advances.py /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
    python3 scripts/font_advances.py /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

Reads the `head` (units per em), `hhea`/`hmtx` (advances) and `cmap` format 4 (Unicode BMP)
tables with nothing but the standard library.
"""
import struct
import sys

CHARACTERS = [chr(c) for c in range(32, 127)] + list("·–—×…€£°±≤≥≈→←↑↓µ²³é")


def tables(font):
    count = struct.unpack(">H", font[4:6])[0]
    out = {}
    for i in range(count):
        tag, _, offset, length = struct.unpack(">4sIII", font[12 + 16 * i: 28 + 16 * i])
        out[tag.decode()] = (offset, length)
    return out


def cmap_format4(font, offset):
    version, count = struct.unpack(">HH", font[offset: offset + 4])
    for i in range(count):
        platform, encoding, sub = struct.unpack(">HHI", font[offset + 4 + 8 * i: offset + 12 + 8 * i])
        start = offset + sub
        if struct.unpack(">H", font[start: start + 2])[0] == 4 and (platform, encoding) in ((3, 1), (0, 3), (0, 4)):
            seg2 = struct.unpack(">H", font[start + 6: start + 8])[0]
            ends = struct.unpack(f">{seg2 // 2}H", font[start + 14: start + 14 + seg2])
            starts_at = start + 16 + seg2
            starts = struct.unpack(f">{seg2 // 2}H", font[starts_at: starts_at + seg2])
            deltas = struct.unpack(f">{seg2 // 2}h", font[starts_at + seg2: starts_at + 2 * seg2])
            ranges_at = starts_at + 2 * seg2
            ranges = struct.unpack(f">{seg2 // 2}H", font[ranges_at: ranges_at + seg2])

            def glyph(code):
                for s in range(seg2 // 2):
                    if starts[s] <= code <= ends[s]:
                        if ranges[s] == 0:
                            return (code + deltas[s]) & 0xFFFF
                        at = ranges_at + 2 * s + ranges[s] + 2 * (code - starts[s])
                        g = struct.unpack(">H", font[at: at + 2])[0]
                        return (g + deltas[s]) & 0xFFFF if g else 0
                return 0
            return glyph
    raise SystemExit("no Unicode BMP cmap (format 4)")


def main():
    font = open(sys.argv[1], "rb").read()
    t = tables(font)
    units_per_em = struct.unpack(">H", font[t["head"][0] + 18: t["head"][0] + 20])[0]
    metrics = struct.unpack(">H", font[t["hhea"][0] + 34: t["hhea"][0] + 36])[0]
    hmtx = t["hmtx"][0]
    glyph = cmap_format4(font, t["cmap"][0])

    def advance(g):
        g = min(g, metrics - 1)
        return struct.unpack(">H", font[hmtx + 4 * g: hmtx + 4 * g + 2])[0]

    entries = []
    for ch in CHARACTERS:
        g = glyph(ord(ch))
        if g == 0:
            continue
        width = round(advance(g) * 1000 / units_per_em)
        literal = {"\\": "\\\\", '"': '\\"'}.get(ch, ch)
        entries.append(f'"{literal}": {width}')
    for i in range(0, len(entries), 10):
        print("        " + ", ".join(entries[i:i + 10]) + ",")


if __name__ == "__main__":
    main()
