"""The application icon and the actions' icons (genglossary_gui.ui.icons), and the raster
files packaging/make_icons.py made from the SVG."""

from __future__ import annotations

import struct
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon, QImage
from PySide6.QtSvg import QSvgRenderer
from pytestqt.qtbot import QtBot

from genglossary_gui.resources import resource
from genglossary_gui.ui.icons import ACTION_ICONS, APP_ICON_SIZES, action_icon, app_icon


@pytest.fixture
def no_theme(qtbot: QtBot) -> Iterator[None]:
    """No icon theme at all: what Windows, macOS and a bare Linux give."""
    name, paths, fallback = QIcon.themeName(), QIcon.themeSearchPaths(), QIcon.fallbackThemeName()
    QIcon.setThemeName("")
    QIcon.setFallbackThemeName("")
    QIcon.setThemeSearchPaths([])
    yield
    QIcon.setThemeSearchPaths(paths)
    QIcon.setFallbackThemeName(fallback)
    QIcon.setThemeName(name)


def test_app_icon_has_every_size(qtbot: QtBot) -> None:
    icon = app_icon()
    assert not icon.isNull()
    sizes = {(s.width(), s.height()) for s in icon.availableSizes()}
    assert {(n, n) for n in APP_ICON_SIZES} <= sizes
    for n in APP_ICON_SIZES:
        pixmap = icon.pixmap(QSize(n, n))
        assert not pixmap.isNull()
        assert pixmap.width() == n


def test_png_files_are_the_sizes_they_say() -> None:
    for n in APP_ICON_SIZES:
        image = QImage(str(resource("icons", "png", f"genglossary-{n}.png")))
        assert (image.width(), image.height()) == (n, n)
        assert image.hasAlphaChannel()


@pytest.mark.parametrize("name", ACTION_ICONS)
def test_action_icon_falls_back_to_the_bundled_svg(no_theme: None, name: str) -> None:
    assert QSvgRenderer(str(resource("icons", "actions", f"{name}.svg"))).isValid()
    icon = action_icon(name)
    assert not icon.isNull()
    assert not icon.pixmap(QSize(24, 24)).isNull()


def test_unknown_action_icon_is_refused(qtbot: QtBot) -> None:
    with pytest.raises(KeyError):
        action_icon("no-such-icon")


def test_app_icon_svg_is_valid() -> None:
    assert QSvgRenderer(str(resource("icons", "genglossary.svg"))).isValid()


def test_ico_holds_every_size_up_to_256() -> None:
    data = resource("icons", "genglossary.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        w, _h, _c, _r, _planes, bpp, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * i
        )
        assert bpp == 32
        assert offset + length <= len(data)
        sizes.add(w or 256)
    assert sizes == {n for n in APP_ICON_SIZES if n <= 256}
    assert not QImage(str(resource("icons", "genglossary.ico"))).isNull()  # Qt's ICO reader


def test_icns_holds_png_entries_up_to_512() -> None:
    data = resource("icons", "genglossary.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack_from(">I", data, 4)[0] == len(data)
    kinds = {}
    at = 8
    while at < len(data):
        kind, length = data[at : at + 4], struct.unpack_from(">I", data, at + 4)[0]
        image = QImage.fromData(data[at + 8 : at + length])
        kinds[kind] = image.width()
        at += length
    assert at == len(data)
    assert kinds[b"icp4"] == 16
    assert kinds[b"ic09"] == 512
    assert kinds[b"ic14"] == 512
