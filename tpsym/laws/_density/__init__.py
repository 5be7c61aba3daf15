"""The routes of :func:`tpsym.laws.density.density`, one module each (private; the public API is :mod:`tpsym.laws.density`)."""
