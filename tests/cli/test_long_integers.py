"""Long exact answers print through the CLI without changing sys's process-wide digit limit."""

import re
import sys

import pytest

from tpsym.cli import json_text, main


@pytest.mark.parametrize(
    ("argv", "head", "digits"),
    [
        (["nc", "count", "10000"], "22453781249338521563", 6015),
        (["nc", "count", "10000", "--json"], '{"count": 224537812493', 6015),
        (["moments", "semicircle(variance=10**5000/3)", "--order", "2"], "m_1 = 0\nm_2 = 1000", 5000),
        (["moments", "semicircle(variance=10**5000/3)", "--order", "2", "--json"], '{"law": "semicircle(variance=1000', 5000),
        (["check", "moment(semicircle(variance=10**5000/7),4)==1", "--json"], '{"id": "check"', 10001),
    ],
)
def test_long_integers_print_and_the_limit_is_unchanged(argv, head, digits, capsys):
    before = sys.get_int_max_str_digits()
    status = main(argv)
    out = capsys.readouterr().out
    assert sys.get_int_max_str_digits() == before
    assert status in (0, 1), out[-300:]
    assert out.startswith(head)
    assert max(len(r) for r in re.findall(r"\d+", out)) >= digits  # the number is printed in full
    if "--json" in argv:
        assert out.lstrip().startswith("{") and out.rstrip().endswith("}")


def test_relu_jacobian_of_huge_depth_is_substituted(capsys):
    before = sys.get_int_max_str_digits()
    status = main(["check", "moment(jacobian(activation=relu, weights=gaussian, sigma_w2=2, depth=10**9), 3) == 6*10**18 + 4*10**9 + 1"])
    assert sys.get_int_max_str_digits() == before
    assert status == 0, capsys.readouterr()


def test_json_text_writes_long_integers_as_numbers():
    text = json_text({"n": -(10**5000), "s": "x"})
    assert text == '{"n": -1' + "0" * 5000 + ', "s": "x"}'
