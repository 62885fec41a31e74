"""JUnit XML: one test case per scanned release, failed when it reaches the --fail-on level, so CI
systems show flagged uploads as failed checks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.etree import ElementTree as ET


def _describe(match: dict[str, Any]) -> str:
    lines = [
        f"{match['verdict']} of {match['title']} ({match['work_id']}), score {match['score']:.3f}",
        match.get("score_meaning", ""),
    ]
    lines += [f"- {r}" for r in match.get("reasons", [])]
    return "\n".join(x for x in lines if x)


def render_junit(document: dict[str, Any]) -> str:
    results: Sequence[dict[str, Any]] = document["results"]
    suite = ET.Element(
        "testsuite",
        name="dockguard scan",
        tests=str(len(results)),
        failures=str(sum(1 for r in results if r["flagged"])),
        errors="0",
        timestamp=document.get("scanned_at", ""),
    )
    for r in results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname="dockguard.scan",
            name=r["path"],
            time=f"{sum(r.get('timings', {}).values()):.3f}",
        )
        if r["flagged"]:
            best = r["matches"][0]
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{best['verdict']}: {best['title']} ({best['work_id']})",
                type=best["verdict"],
            )
            failure.text = _describe(best)
        else:
            out = ET.SubElement(case, "system-out")
            out.text = f"verdict {r['verdict']}" + (
                f"; best match {_describe(r['matches'][0])}" if r["matches"] else ""
            )
    suites = ET.Element("testsuites")
    suites.append(suite)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)
