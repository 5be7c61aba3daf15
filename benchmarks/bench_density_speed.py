"""Benchmark (issue 17): density evaluation over a grid, current route against the former one in the same process.

Cases:

* the depth-10 ReLU network's J Jᵀ (``jacobian(activation=relu, weights=gaussian,
  sigma_w2=2, depth=10)``) on 1000 points of [0, 60]: polynomial method for the
  support and atoms, values by subordination (target 0.1 s);
* ``boxplus(semicircle(), mp(ratio=1/2))`` on 901 points of [-3, 6], error
  against the 40-digit roots of its cubic (target 14 ms, error <= 1e-12);
* the hard edge: the ReLU density at x = 0 (inf: an integrable singularity).

The former route is restored by patching, in this process: the horizontal path
through every grid point followed point by point (instead of a coarse path
kept on the follower and the grid points in one batch), every point descended
vertically (no continuation along the real axis), warm-started roots at every
level and arc step (no batch of all levels for a few points), and the curve's
own descent at the midpoints and poles of a ⊠-product (instead of the
subordination values and the exact atoms when both are there), and the value
at height 1e-12 at the hard edge (no divergence test), and the one-point steps
of subordination through the vectorised Newton. Times: the
minimum of 5 warm calls (the algebraic equation cached).

Run: python benchmarks/bench_density_speed.py
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import numpy as np

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

from bench_density import RMTOOL_GRID, RMTOOL_SPEC, cubic_40_digits  # noqa: E402

from tpsym.laws._density import branch, polynomial, subordination  # noqa: E402
from tpsym.laws._density.branch import _H, _Follower, _horizontal_path, _vertical_levels  # noqa: E402
from tpsym.laws.density import density  # noqa: E402
from tpsym.spec import parse_spec  # noqa: E402

RELU = "jacobian(activation=relu, weights=gaussian, sigma_w2=2, depth=10)"


def _at_height_former(self, starts, top):
    path, idx = _horizontal_path(starts)
    gv = self.follow(path[0] + 1j * _vertical_levels(1e4, _H, 1.25), top(float(path[0])))
    gh = self.follow(path + 1j * _H, complex(gv[-1]))
    return gh[idx]


@contextlib.contextmanager
def former_route():
    saved = (_Follower.at_height, polynomial._AXIS_MIN_POINTS, branch._ALL_LEVELS_AT_ONCE, polynomial._structural_atoms, subordination._EDGE_GROWTH)
    _Follower.at_height = _at_height_former
    polynomial._AXIS_MIN_POINTS = 10**9
    branch._ALL_LEVELS_AT_ONCE = 0
    # without the exact atoms the curve descends at the midpoints and poles (the masses from its
    # residues), as it did before whether or not they were known; the values still by subordination
    polynomial._structural_atoms = lambda law, vals: None
    subordination._EDGE_GROWTH = float("inf")  # the hard edge reads as the value at height 1e-12
    subordination._Product.scalar_steps = False  # one-point steps through the vectorised Newton
    try:
        yield
    finally:
        (_Follower.at_height, polynomial._AXIS_MIN_POINTS, branch._ALL_LEVELS_AT_ONCE,
         polynomial._structural_atoms, subordination._EDGE_GROWTH) = saved
        subordination._Product.scalar_steps = True


def warm(law, x, runs=5):
    best, res = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        res = density(law, x)
        best = min(best, time.perf_counter() - t)
    return res, best


def main() -> None:
    relu, x_relu = parse_spec(RELU), np.linspace(0, 60, 1000)
    sc, x_sc = parse_spec(RMTOOL_SPEC), np.linspace(*RMTOOL_GRID)
    density(relu, x_relu), density(sc, x_sc)  # equations cached, imports done
    ref = cubic_40_digits(x_sc)
    print(f"{'case':52s} {'former':>10s} {'current':>10s} {'speed-up':>9s}  target")
    out = {}
    for name, law, x, target in ((f"{RELU}, 1000 points", relu, x_relu, "0.1 s"), (f"{RMTOOL_SPEC}, 901 points", sc, x_sc, "14 ms")):
        with former_route():
            r_old, t_old = warm(law, x)
        r_new, t_new = warm(law, x)
        out[name] = (r_old, r_new)
        print(f"{name[:52]:52s} {t_old * 1e3:8.1f}ms {t_new * 1e3:8.1f}ms {t_old / t_new:8.1f}x  {target}")
        finite = np.isfinite(r_old.density) & np.isfinite(r_new.density)
        print(f"    max |current - former| (finite points) {np.max(np.abs(r_new.density - r_old.density)[finite]):.1e};"
              f" mass {r_new.mass:.10f}; max moment error {max(r_new.moment_errors):.1e}")
    r_old, r_new = out[f"{RMTOOL_SPEC}, 901 points"]
    print(f"    {RMTOOL_SPEC}: max |density - 40-digit cubic root| current {np.max(np.abs(r_new.density - ref)):.1e},"
          f" former {np.max(np.abs(r_old.density - ref)):.1e}")
    r_old, r_new = out[f"{RELU}, 1000 points"]
    print(f"hard edge x = 0 of the ReLU network: former {r_old.density[0]:.4g} (the value at height 1e-12),"
          f" current {r_new.density[0]} (an integrable singularity; null in JSON)")


if __name__ == "__main__":
    main()
