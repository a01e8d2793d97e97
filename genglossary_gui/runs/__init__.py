"""Run execution on a QThreadPool, per-run cancel tokens, and store changes bridged to Qt."""
