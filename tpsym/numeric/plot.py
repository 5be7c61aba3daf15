"""Pictures: the empirical eigenvalue histogram against a derived density.

Drawn with matplotlib's object API on an Agg canvas (no pyplot state, no
display needed); the file format follows the suffix (``.png`` or ``.pdf``)
and a PNG has exactly the requested size in pixels.

>>> import numpy as np, tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "s.png"
>>> plot_spectrum(np.linspace(-2, 2, 100), out=out, width_px=320, height_px=240)
PosixPath('...s.png')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from tpsym.errors import InputError

__all__ = ["plot_spectrum", "IMAGE_FORMATS"]

#: The file formats :func:`plot_spectrum` writes, by suffix.
IMAGE_FORMATS = {".png": "png", ".pdf": "pdf"}


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def plot_spectrum(
    eigenvalues: np.ndarray,
    *,
    out: str | Path,
    density: Callable[[np.ndarray], np.ndarray] | None = None,
    moments: Sequence[float] | None = None,
    title: str | None = None,
    width_px: int = 800,
    height_px: int = 600,
    dpi: int = 100,
    bins: int | str = "auto",
) -> Path:
    """Draw the histogram of ``eigenvalues`` (as a density), optionally a density
    curve, and the derived moments in the legend; write the file ``out``.

    Parameters
    ----------
    eigenvalues : array
        The sample spectrum.
    out : path
        ``.png`` or ``.pdf``.
    density : callable, optional
        ``x ↦ density(x)``, vectorised (the derived density of the law).
    moments : sequence of float, optional
        The derived moments ``m_1, m_2, ...``; shown in the legend next to the
        empirical ones.
    title : str, optional
    width_px, height_px, dpi : int
        The size of the picture (``width_px/dpi`` inches wide for a PDF).
    bins : int or str
        Passed to :func:`numpy.histogram_bin_edges`.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> lam = np.random.default_rng(0).uniform(-1, 1, 500)
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "u.pdf"
    >>> plot_spectrum(lam, out=out, density=lambda x: 0.5 + 0 * x, moments=[0.0, 1 / 3]).suffix
    '.pdf'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(out)
    fmt = IMAGE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"out={str(path)!r}: the file name must end in one of {sorted(IMAGE_FORMATS)}")
    for name, v in (("width_px", width_px), ("height_px", height_px), ("dpi", dpi)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 16:
            raise InputError(f"{name}={v!r} must be an int of at least 16")
    lam = np.asarray(eigenvalues, dtype=np.float64).ravel()
    if lam.size == 0 or not np.all(np.isfinite(lam)):
        raise InputError("the eigenvalues must be a non-empty array of finite numbers")

    fig = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    lo, hi = float(lam.min()), float(lam.max())
    if hi - lo < 1e-12 * max(1.0, abs(lo)):
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.histogram_bin_edges(lam, bins=bins, range=(lo, hi))
    if edges.size > 201:
        edges = np.linspace(lo, hi, 201)
    k = len(moments) if moments is not None else 0
    emp = [float(np.mean(lam**j)) for j in range(1, k + 1)]
    label = f"empirical, N={lam.size}"
    if k:
        label += "\n" + ", ".join(f"m{j}={_fmt(e)}" for j, e in enumerate(emp, 1))
    ax.hist(lam, bins=edges, density=True, alpha=0.55, color="tab:blue", label=label)
    if density is not None:
        pad = 0.05 * (hi - lo)
        xs = np.linspace(lo - pad, hi + pad, 800)
        ys = np.asarray(density(xs), dtype=np.float64)
        dlabel = "derived density"
        if k:
            dlabel += "\n" + ", ".join(f"m{j}={_fmt(float(m))}" for j, m in enumerate(moments, 1))
        ax.plot(xs, ys, color="tab:red", lw=1.5, label=dlabel)
    elif k:
        ax.plot([], [], " ", label="derived: " + ", ".join(f"m{j}={_fmt(float(m))}" for j, m in enumerate(moments, 1)))
    ax.set_xlabel("eigenvalue")
    ax.set_ylabel("density")
    if title:
        ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small", loc="best")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=fmt, dpi=dpi)
    return path
