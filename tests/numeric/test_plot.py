"""Pictures: valid images of the requested size."""

from __future__ import annotations

import sys

import matplotlib.image
import numpy as np
import pytest

from tpsym.errors import InputError
from tpsym.numeric.plot import plot_spectrum


def test_png_has_the_requested_size(tmp_path):
    lam = np.random.default_rng(0).standard_normal(300)
    out = plot_spectrum(lam, out=tmp_path / "a.png", density=lambda x: np.exp(-x * x / 2) / np.sqrt(2 * np.pi),
                        moments=[0, 1, 0, 3], width_px=333, height_px=222, title="gauss")
    img = matplotlib.image.imread(out)
    assert img.shape[:2] == (222, 333)
    assert img.std() > 0  # not blank


def test_pdf_is_written(tmp_path):
    out = plot_spectrum(np.ones(5), out=tmp_path / "b.pdf", moments=[1.0])  # an atom only
    assert out.read_bytes()[:5] == b"%PDF-"


def test_bad_plot_input(tmp_path):
    with pytest.raises(InputError, match="must end in one of"):
        plot_spectrum(np.ones(3), out=tmp_path / "c.jpg")
    with pytest.raises(InputError, match="width_px=3"):
        plot_spectrum(np.ones(3), out=tmp_path / "c.png", width_px=3)
    with pytest.raises(InputError, match="finite"):
        plot_spectrum(np.array([np.nan]), out=tmp_path / "c.png")


def test_cli_draws_the_derived_density_and_atoms(tmp_path, monkeypatch, capsys):
    # MP with ratio c = 2: atom 1 - 1/c at 0, density sqrt((b - x)(x - a))/(2 pi c x) on
    # [a, b] = [(1 - sqrt c)^2, (1 + sqrt c)^2] (Marchenko & Pastur, Math. USSR-Sbornik 1, 1967)
    import tpsym.numeric.plot as plot
    from tpsym.cli import main

    seen = {}
    real = plot.plot_spectrum

    def spy(lam, **kw):
        seen.update(kw, lam=lam)
        return real(lam, **kw)

    monkeypatch.setattr(plot, "plot_spectrum", spy)
    assert main(["plot", "mp(ratio=2)", "--size", "200", "--out", str(tmp_path / "mp.png")]) == 0
    assert seen["atoms"] == ((0.0, 0.5),)
    xs = np.array([0.1, 1.0, 3.0])  # 0.1 lies between the atom and the a.c. part
    ys = seen["density"](xs)
    closed = np.sqrt(np.maximum((5.828427 - xs) * (xs - 0.171573), 0)) / (2 * np.pi * 2 * xs)
    assert np.allclose(ys, closed, atol=2e-3) and ys[0] == 0.0
    assert matplotlib.image.imread(tmp_path / "mp.png").shape[:2] == (600, 800)


def test_cli_plots_without_a_density_it_cannot_derive(tmp_path, capsys):
    from tpsym.cli import main

    # phi'(h)^2 = cos(h)^2 is not monotone in |h| and its mu_k miss 30 digits by quadrature
    # (the unbiased network at sigma_w2 = 2 reaches this refusal in a third of the CPU time of sigma_b2 = 1/20)
    spec = 'jacobian(activation="formula(sin(x))", weights=orthogonal, sigma_w2=2, sigma_b2=0, depth=1)'
    assert main(["plot", spec, "--size", "64", "--out", str(tmp_path / "t.png")]) == 0
    err = capsys.readouterr().err
    assert err.startswith("tpsym: note: no derived density drawn: ") and err.count("\n") == 1


def test_without_matplotlib_the_error_names_the_extra(tmp_path, monkeypatch):
    from tpsym.errors import MissingDependencyError

    for name in ("matplotlib", "matplotlib.figure", "matplotlib.backends.backend_agg"):
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError
    with pytest.raises(MissingDependencyError, match=r"pip install 'tpsym\[plot\]'"):
        plot_spectrum(np.ones(3), out=tmp_path / "c.png")
