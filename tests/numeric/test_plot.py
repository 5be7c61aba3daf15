"""Pictures: valid images of the requested size."""

from __future__ import annotations

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
