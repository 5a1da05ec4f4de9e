"""Draw Haven's two Teams icons as PNG bytes with zlib alone: a house, full colour and outline."""

import struct
import zlib
from collections.abc import Callable

ACCENT = (0x3A, 0x7D, 0x5C)  # the manifest's accentColor, #3A7D5C
WHITE = (255, 255, 255)
SAMPLES = 3  # subpixels per side, for smooth edges


def in_house(u: float, v: float) -> bool:
    """Return whether a point of the unit square lies in the house (roof and walls, minus the door)."""
    roof = 0.16 <= v <= 0.50 and abs(u - 0.5) <= (v - 0.16) * 0.95
    walls = 0.26 <= u <= 0.74 and 0.46 <= v <= 0.84
    door = 0.44 <= u <= 0.56 and 0.62 <= v <= 0.84
    return (roof or walls) and not door


def coverage(x: int, y: int, size: int) -> float:
    """Return how much of pixel (x, y) the house covers, 0 to 1."""
    hits = sum(
        in_house((x + (i + 0.5) / SAMPLES) / size, (y + (j + 0.5) / SAMPLES) / size)
        for i in range(SAMPLES)
        for j in range(SAMPLES)
    )
    return hits / SAMPLES**2


def png(size: int, pixel: Callable[[int, int], tuple[int, int, int, int]]) -> bytes:
    """Return an RGBA PNG of a square image whose pixels pixel(x, y) gives."""
    rows = b"".join(
        b"\x00" + bytes(channel for x in range(size) for channel in pixel(x, y))
        for y in range(size)
    )

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def color_icon(size: int = 192) -> bytes:
    """Return the full-colour icon: a white house on the accent colour."""

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        share = coverage(x, y, size)
        r, g, b = (round(w * share + a * (1 - share)) for w, a in zip(WHITE, ACCENT, strict=True))
        return r, g, b, 255

    return png(size, pixel)


def outline_icon(size: int = 32) -> bytes:
    """Return the outline icon: a white house on a transparent background."""
    return png(size, lambda x, y: (*WHITE, round(255 * coverage(x, y, size))))
