"""JUnit XML: one test case per scanned release, failed when it reaches the --fail-on level, so CI
systems show flagged uploads as failed checks."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from dockguard.model import Match
from dockguard.report.document import ScanDocument


def _describe(match: Match) -> str:
    v = match.verdict
    lines = [f"{v.level.value} of {match.title} ({match.work_id}), score {v.score:.3f}", v.meaning]
    lines += [f"- {r}" for r in v.reasons]
    return "\n".join(x for x in lines if x)


def render_junit(document: ScanDocument) -> str:
    suite = ET.Element(
        "testsuite",
        name="dockguard scan",
        tests=str(len(document.results)),
        failures=str(document.flagged),
        errors="0",
        timestamp=document.scanned_at,
    )
    for r in document.results:
        case = ET.SubElement(
            suite,
            "testcase",
            classname="dockguard.scan",
            name=r.path,
            time=f"{sum(t for _, t in r.timings):.3f}",
        )
        if document.is_flagged(r):
            best = r.matches[0]
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{best.verdict.level.value}: {best.title} ({best.work_id})",
                type=best.verdict.level.value,
            )
            failure.text = _describe(best)
        else:
            out = ET.SubElement(case, "system-out")
            out.text = f"verdict {r.verdict.value}" + (
                f"; best match {_describe(r.matches[0])}" if r.matches else ""
            )
    suites = ET.Element("testsuites")
    suites.append(suite)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)
