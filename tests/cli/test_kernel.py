"""``tpsym kernel``, ``tpsym crosscheck "ntk(...)"`` and kernel claims in proof files."""

from __future__ import annotations

import json

from tpsym.cli import main


def test_kernel_json_and_latex(capsys):
    assert main(["kernel", "nngp(relu, sigma_w2=2, depth=1, q1=4, q2=9, c=c)", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == "6*c"
    assert main(["kernel", "correlation_map(relu, 2, 0, q=1, c=0)", "--latex"]) == 0
    assert capsys.readouterr().out.strip() == r"\frac{1}{\pi}"


def test_bad_input_is_one_line_exit_2(capsys):
    for expr in ("nngp(relu, c=2)", "nngp(relu, sigma_w2=-1)", "ntk(relu, parameterization=mup)"):
        assert main(["kernel", expr]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("tpsym: error:") and "\n" not in err


def test_crosscheck_ntk_json(capsys):
    # 12 small networks cannot detect a 2 % error: no difference found, but not confirmed either
    code = main(["crosscheck", "ntk(relu, sigma_w2=2, sigma_b2=1/10, depth=2, q1=1, q2=1, c=1/2)",
                 "--sizes", "64,128", "--trials", "12", "--seed", "4", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["verdict"] == "inconclusive" and out["kind"] == "ntk"
    assert out["decision"]["moments"][0]["detectable"] > 0.02
    # enough power for the stated tolerance: confirmed
    code = main(["crosscheck", "ntk(relu, sigma_w2=2, sigma_b2=1/10, depth=2, q1=1, q2=1, c=1/2)",
                 "--sizes", "128,512", "--trials", "30", "--seed", "4", "--tolerance", "0.2", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["verdict"] == "confirmed" and out["decision"]["moments"][0]["detectable"] <= 0.2


def test_proof_file_mixups_refuted_bad_claim_errors_others_checked(tmp_path, capsys):
    f = tmp_path / "k.toml"
    f.write_text(
        '[[claim]]\nid = "ok"\ntitle = "t"\nsource = "s"\n'
        'statement = "ntk(relu, sigma_w2=2, sigma_b2=0, depth=L, q1=q, q2=q, c=1) == L*q"\n'
        'assume = { q = ["positive"], L = ["positive", "integer"] }\n'
        '[[claim]]\nid = "standard-as-ntk"\ntitle = "t"\nsource = "s"\n'
        'statement = "ntk(relu, sigma_w2=2, sigma_b2=0, depth=2, q1=q, q2=q, c=1, parameterization=standard) == 2*q"\n'
        'assume = { q = ["positive"] }\n'
        '[[claim]]\nid = "wrong-bias"\ntitle = "t"\nsource = "s"\n'
        'statement = "nngp(relu, sigma_w2=2, sigma_b2=1, depth=2, q1=q, q2=q, c=1) == q"\n'
        'assume = { q = ["positive"] }\n'
        '[[claim]]\nid = "bad-c"\ntitle = "t"\nsource = "s"\n'
        'statement = "nngp(relu, depth=2, q1=1, q2=1, c=3/2) == 1"\n'
    )
    main(["verify", str(f), "--json"])
    out = capsys.readouterr().out
    verdicts = {c["id"]: c["verdict"] for c in json.loads(out)["claims"]}
    assert verdicts == {"ok": "verified", "standard-as-ntk": "refuted", "wrong-bias": "refuted", "bad-c": "error"}
