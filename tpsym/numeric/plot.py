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
from typing import TYPE_CHECKING

import numpy as np

from tpsym.errors import InputError, MissingDependencyError

if TYPE_CHECKING:
    from tpsym.laws import Law

__all__ = ["plot_spectrum", "derived_density", "curve_grid", "IMAGE_FORMATS"]

#: The file formats :func:`plot_spectrum` writes, by suffix.
IMAGE_FORMATS = {".png": "png", ".pdf": "pdf"}


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _range(lam: np.ndarray) -> tuple[float, float]:
    lo, hi = float(lam.min()), float(lam.max())
    if hi - lo < 1e-12 * max(1.0, abs(lo)):
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi


def curve_grid(eigenvalues: np.ndarray, points: int = 800) -> np.ndarray:
    """The points where :func:`plot_spectrum` draws a density: the sample's range, 5% wider each side.

    >>> curve_grid(np.array([0.0, 1.0]), 3)
    array([-0.05,  0.5 ,  1.05])
    """
    lo, hi = _range(np.asarray(eigenvalues, dtype=np.float64).ravel())
    pad = 0.05 * (hi - lo)
    return np.linspace(lo - pad, hi + pad, points)


def derived_density(
    law: Law, eigenvalues: np.ndarray
) -> tuple[Callable[[np.ndarray], np.ndarray], tuple[tuple[float, float], ...]]:
    """The derived density of ``law`` on the :func:`curve_grid` of a sample, and its atoms.

    Computed once with :func:`tpsym.laws.density.density` (which raises
    :class:`~tpsym.errors.DomainError` for a law it does not cover); the
    returned callable interpolates it, so :func:`plot_spectrum` draws it
    without a second solve.

    Examples
    --------
    >>> from tpsym.laws import mp
    >>> lam = np.array([0.0, 0.0, 1.0, 3.0])
    >>> fn, atoms = derived_density(mp(ratio=2), lam)
    >>> atoms
    ((0.0, 0.5),)
    >>> bool(fn(np.array([1.0]))[0] > 0)
    True
    """
    from tpsym.laws.density import density

    xs = curve_grid(eigenvalues)
    r = density(law, xs, check_moments=0)
    ys = np.asarray(r.density, dtype=np.float64)

    def fn(x: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(x, dtype=np.float64), xs, ys, left=np.nan, right=np.nan)  # unknown off the grid

    return fn, r.atoms


def plot_spectrum(
    eigenvalues: np.ndarray,
    *,
    out: str | Path,
    density: Callable[[np.ndarray], np.ndarray] | None = None,
    atoms: Sequence[tuple[float, float]] = (),
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
        ``x ↦ density(x)``, vectorised (the derived density of the law's
        absolutely continuous part), drawn on :func:`curve_grid`.
    atoms : sequence of (location, mass)
        The law's atoms, drawn as vertical lines and named in the legend.
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
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ModuleNotFoundError as exc:  # matplotlib is the optional extra [plot]
        if (exc.name or "").partition(".")[0] != "matplotlib":  # a broken matplotlib install is not a missing extra
            raise
        raise MissingDependencyError("plots need matplotlib: pip install 'tpsym[plot]'") from exc

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
    lo, hi = _range(lam)
    edges = np.histogram_bin_edges(lam, bins=bins, range=(lo, hi))
    if edges.size > 201:
        edges = np.linspace(lo, hi, 201)
    shown: Sequence[float] = moments if moments is not None else ()
    k = len(shown)
    emp = [float(np.mean(lam**j)) for j in range(1, k + 1)]
    label = f"empirical, N={lam.size}"
    if k:
        label += "\n" + ", ".join(f"m{j}={_fmt(e)}" for j, e in enumerate(emp, 1))
    ax.hist(lam, bins=edges, density=True, alpha=0.55, color="tab:blue", label=label)  # type: ignore[arg-type]  # matplotlib's stub omits arrays for bins
    if density is not None:
        xs = curve_grid(lam)
        ys = np.asarray(density(xs), dtype=np.float64)
        dlabel = "derived density"
        if k:
            dlabel += "\n" + ", ".join(f"m{j}={_fmt(float(m))}" for j, m in enumerate(shown, 1))
        ax.plot(xs, ys, color="tab:red", lw=1.5, label=dlabel)
    elif k:
        ax.plot([], [], " ", label="derived: " + ", ".join(f"m{j}={_fmt(float(m))}" for j, m in enumerate(shown, 1)))
    for loc, mass in atoms:
        ax.axvline(float(loc), color="tab:red", ls="--", lw=1.2, label=f"atom at {_fmt(float(loc))}, mass {_fmt(float(mass))}")
    ax.set_xlabel("eigenvalue")
    ax.set_ylabel("density")
    if title:
        ax.set_title(title, fontsize="medium")
    ax.legend(fontsize="small", loc="best")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format=fmt, dpi=dpi)
    return path
