"""Make the application icon's raster files from ``resources/icons/genglossary.svg``.

    uv run python packaging/make_icons.py

writes ``resources/icons/png/genglossary-<N>.png`` (N = 16 … 512), ``genglossary.ico``
(Windows: 16 … 256, the small sizes as bitmaps, 256 as PNG, as Windows' own tools do) and
``genglossary.icns`` (macOS: PNG entries, 16 … 512 and their @2x). The SVG is rendered by
Qt's own SVG renderer (QtSvg), so no other image library is needed; both container formats
are written by hand. The output is a pure function of the SVG and the Qt version (no time
stamps), and the files are kept in the tree: they are inputs of the bundle build.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
SOURCE = ICONS / "genglossary.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: Sizes below this go into the .ico as 32-bit bitmaps (every Windows reads those); at 256
#: a PNG, which Windows reads since Vista and keeps the file small.
ICO_PNG_FROM = 256
#: The .icns entry types that hold a PNG, and the pixel size of each.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic11", 32),  # 16@2x
    (b"ic12", 64),  # 32@2x
    (b"ic13", 256),  # 128@2x
    (b"ic14", 512),  # 256@2x
)


def render(svg: Path, size: int):
    """The SVG drawn into a ``size``×``size`` ARGB32 image (straight alpha)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise SystemExit("could not encode a PNG (Qt's PNG writer missing?)")
    buffer.close()
    return bytes(data.data())


def bmp_entry(image) -> bytes:
    """An ICO image entry as a DIB: BITMAPINFOHEADER, BGRA rows bottom-up, then the 1-bit
    AND mask (all zero: the alpha channel says what is transparent)."""
    width, height = image.width(), image.height()
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    # Format_ARGB32 is stored as B, G, R, A bytes on a little-endian machine: BMP's order.
    rows = []
    for y in range(height):
        line = bytes(image.constScanLine(y))[: width * 4]
        if sys.byteorder == "big":
            line = b"".join(line[i : i + 4][::-1] for i in range(0, len(line), 4))
        rows.append(line)
    pixels = b"".join(reversed(rows))
    mask_row = ((width + 31) // 32) * 4
    return header + pixels + bytes(mask_row * height)


def ico_bytes(entries: list[tuple[int, bytes]]) -> bytes:
    """An .ico file of ``(size, image data)`` entries, in that order."""
    head = struct.pack("<HHH", 0, 1, len(entries))
    offset = len(head) + 16 * len(entries)
    directory, blobs = [], []
    for size, data in entries:
        side = 0 if size >= 256 else size  # 0 means 256
        directory.append(struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset))
        blobs.append(data)
        offset += len(data)
    return head + b"".join(directory) + b"".join(blobs)


def icns_bytes(entries: list[tuple[bytes, bytes]]) -> bytes:
    """An .icns file of ``(type, PNG data)`` entries."""
    body = b"".join(kind + struct.pack(">I", 8 + len(data)) + data for kind, data in entries)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def make(svg: Path = SOURCE, out: Path = ICONS) -> list[Path]:
    """Write every raster file; returns the paths written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    images = {size: render(svg, size) for size in sorted({*PNG_SIZES, *ICO_SIZES})}
    pngs = {size: png_bytes(image) for size, image in images.items()}
    written = []
    (out / "png").mkdir(parents=True, exist_ok=True)
    for size in PNG_SIZES:
        path = out / "png" / f"genglossary-{size}.png"
        path.write_bytes(pngs[size])
        written.append(path)
    ico = [
        (size, pngs[size] if size >= ICO_PNG_FROM else bmp_entry(images[size]))
        for size in ICO_SIZES
    ]
    (out / "genglossary.ico").write_bytes(ico_bytes(ico))
    (out / "genglossary.icns").write_bytes(icns_bytes([(k, pngs[n]) for k, n in ICNS_TYPES]))
    written += [out / "genglossary.ico", out / "genglossary.icns"]
    return written


if __name__ == "__main__":
    for path in make():
        print(path.relative_to(ROOT))
