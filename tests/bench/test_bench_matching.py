"""bench/matching.py (part of `make bench`) at a small size: it generates its data in a throwaway
database migrated to head, measures one referral and the batch, and merges its figures into the
results file without losing what the web bench wrote there."""
from __future__ import annotations

import json

from bench import matching


def test_the_matching_bench_measures_and_merges_its_figures(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BENCH_MATCH_REFERRALS", "12")
    monkeypatch.setenv("BENCH_MATCH_VOLUNTEERS", "30")
    monkeypatch.setenv("BENCH_MATCH_REPEAT", "1")
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"results": [{"name": "front page"}]}))

    matching.run(results)

    written = json.loads(results.read_text())
    assert written["results"] == [{"name": "front page"}]  # the web bench's figures are kept
    (run,) = written["matching"]["runs"]
    assert run["database"] == "sqlite"
    assert run["data"]["rows"] == 12 and run["data"]["columns"] == 30  # every generated volunteer is matchable
    assert run["data"]["criteria"] == ["interests", "languages", "nearby", "age_gap", "gender_wish"]
    assert run["data"]["candidates_offered"] + run["data"]["young_without_candidate"] == 12
    for name in ("one_referral", "batch"):
        figure = run[name]
        assert figure["median_ms"] > 0 and figure["baseline_figure"]["median_ms"] > 0
        assert figure["ratio"] == round(figure["median_ms"] / figure["baseline_figure"]["median_ms"], 1)
        assert figure["met"] == (figure["median_ms"] < figure["target_ms"])
    assert set(run["batch"]["parts"]) == {"load", "score", "assign"}
    assert "batch 12 x 30 incl. load" in capsys.readouterr().out
