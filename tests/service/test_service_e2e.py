"""End to end with the real model: corpus releases sent over HTTP get the same verdicts, originals and
scores as `dockguard scan` gives them on the same registry, and the answers the corpus expects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from service_helpers import CORPUS, Served

from dockguard.cli import main

pytestmark = pytest.mark.model

RELEASES = [
    "releases/en/above_the_skyline.en.fdx",  # localized copy, scenes reordered
    "releases/zh-Hant/changan_gongque.zh-Hant.txt",  # Traditional-script copy
    "releases/en/hartley_house.en.fountain",  # partial copy
    "releases/unrelated/xihu_wusheng_ep04.en.fountain",  # a new episode of a registered show: clear
]


def test_api_gives_the_verdicts_of_dockguard_scan(
    make_served: Any,
    corpus_db: str,
    real_embedder: Any,
    corpus_releases: list[dict[str, str]],
    tmp_path: Path,
) -> None:
    source = Path(corpus_db.removeprefix("sqlite:///"))
    registry = tmp_path / "corpus.sqlite"
    shutil.copy(source, registry)
    served: Served = make_served(embedder=real_embedder, db_file=registry)

    by_api = {}
    for rel in RELEASES:
        r = served.client.post("/v1/scans?wait=120", headers=served.auth(), files=served.upload(CORPUS / rel))
        assert r.status_code == 200, r.text
        [result] = r.json()["result"]["results"]
        by_api[Path(rel).name] = result

    cli = CliRunner().invoke(
        main,
        [
            "scan",
            *[str(CORPUS / rel) for rel in RELEASES],
            "--db",
            f"sqlite:///{registry}",
            "--format",
            "json",
        ],
        catch_exceptions=False,
    )
    assert cli.exit_code == 1, cli.output  # copies were found
    by_cli = {Path(r["path"]).name: r for r in json.loads(cli.stdout)["results"]}

    expected = {Path(r["path"]).name: r for r in corpus_releases}
    for name, api in by_api.items():
        want = by_cli[name]
        assert api["verdict"] == want["verdict"] == expected[name]["expected_verdict"], name
        assert api["flagged"] == want["flagged"]
        assert [m["work_id"] for m in api["matches"]] == [m["work_id"] for m in want["matches"]], name
        assert [m["score"] for m in api["matches"]] == pytest.approx(
            [m["score"] for m in want["matches"]], abs=1e-6
        )
        if expected[name]["expected_work_id"]:
            assert api["matches"][0]["work_id"] == expected[name]["expected_work_id"]
