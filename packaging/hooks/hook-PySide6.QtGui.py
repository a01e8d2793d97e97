"""PySide6.QtGui as PyInstaller's own hook collects it, less the Qt plugins the window never
loads (packaging/genglossary.spec passes this folder as ``hookspath``, which takes precedence
over the built-in hook).

Left out, with the libraries only they need (which the analysis would otherwise pull in):
frame-buffer, VNC and EGL full-screen platforms, and the EGLFS libraries; input devices read
directly (``generic/``: evdev, and TUIO over the network, which alone needs QtNetwork and
Kerberos); the GTK 3 platform theme, which would bring the build machine's GTK, Cairo and
Pango (the XDG desktop portal theme stays: native file dialogs through the portal); image
formats that documents never show. xcb, Wayland, offscreen and minimal stay.
"""

import re

from PyInstaller.utils.hooks.qt import add_qt6_dependencies

UNUSED = re.compile(
    r"plugins/("
    r"platforms/libq(eglfs|linuxfb|vnc|vkkhrdisplay|minimalegl)\.so"
    r"|egldeviceintegrations/|generic/"
    r"|platformthemes/libqgtk3\.so"
    r"|imageformats/libq(tiff|webp|tga|wbmp)\.so"
    r")"
    r"|(^|/)libQt6EglFs",
    re.IGNORECASE,
)

hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
binaries = [(src, dest) for src, dest in binaries if not UNUSED.search(src.replace("\\", "/"))]
