"""The web pages in process: sign-in, CSRF, upload and status, the registry, registering (registrar only)."""

from __future__ import annotations

import re

from service_helpers import CORPUS, Served

COPY = CORPUS / "releases" / "zh-Hans" / "nisheng_xujia.txt"


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)


def _sign_in(served: Served, key: str) -> None:
    page = served.client.get("/signin")
    r = served.client.post(
        "/signin", data={"key": key, "csrf": _csrf(page.text), "next": "/scans"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/scans"


def test_pages_need_a_session(served: Served) -> None:
    for path in ("/scans", "/works", "/works/new", "/scans/x", "/works/xihu-wusheng"):
        r = served.client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/signin"), path


def test_wrong_key_and_missing_csrf_are_refused(served: Served) -> None:
    page = served.client.get("/signin")
    r = served.client.post("/signin", data={"key": "dg_nope", "csrf": _csrf(page.text)})
    assert r.status_code == 401 and "not valid" in r.text
    r = served.client.post(
        "/signin", data={"key": served.scanner_key, "csrf": "forged"}, follow_redirects=False
    )
    assert r.status_code == 403 and "CSRF" in r.text
    served.client.cookies.clear()
    r = served.client.post(
        "/signin", data={"key": served.scanner_key, "csrf": _csrf(page.text)}, follow_redirects=False
    )
    assert r.status_code == 403  # the token without its cookie


def test_upload_watch_and_read_the_report(served: Served) -> None:
    _sign_in(served, served.scanner_key)
    page = served.client.get("/scans")
    assert page.status_code == 200 and "No scans yet" in page.text
    r = served.client.post(
        "/scans",
        data={"csrf": _csrf(page.text), "fail_on": "partial-copy"},
        files=served.upload(COPY),
        follow_redirects=False,
    )
    assert r.status_code == 303
    job_path = r.headers["location"]
    job_id = job_path.rsplit("/", 1)[1]
    served.wait_done(job_id)
    scan = served.client.get(job_path)
    assert (
        'class="status done"' in scan.text and "copy" in scan.text and 'http-equiv="refresh"' not in scan.text
    )
    assert f'href="/scans/{job_id}/report"' in scan.text
    report = served.client.get(f"{job_path}/report")
    assert report.status_code == 200 and "chongsheng-niguang" in report.text
    listing = served.client.get("/scans")
    assert job_id in listing.text and 'class="verdict copy"' in listing.text


def test_bad_upload_shows_the_message(served: Served) -> None:
    _sign_in(served, served.scanner_key)
    page = served.client.get("/scans")
    r = served.client.post(
        "/scans", data={"csrf": _csrf(page.text)}, files=[("file", ("x.srt", b"\x00\x00\x00"))]
    )
    assert r.status_code == 422 and "x.srt: " in r.text
    r = served.client.post("/scans", data={"csrf": "bad"}, files=served.upload(COPY))
    assert r.status_code == 403


def test_registry_pages_and_search(served: Served) -> None:
    _sign_in(served, served.scanner_key)
    works = served.client.get("/works")
    assert works.status_code == 200 and works.text.count('href="/works/') >= 6
    assert "/works/new" not in works.text  # a scanner is not offered registration
    found = served.client.get("/works", params={"q": "xihu"})
    assert "xihu-wusheng" in found.text and "yunduan-zhishang" not in found.text
    work = served.client.get("/works/xihu-wusheng")
    assert work.status_code == 200 and 'id="receipt"' in work.text and "Remove" not in work.text
    assert served.client.get("/works/new").status_code == 403
    assert served.client.get("/works/no-such-work").status_code == 404


def test_registrar_registers_and_removes_a_work(served: Served) -> None:
    _sign_in(served, served.registrar_key)
    form = served.client.get("/works/new")
    assert form.status_code == 200
    release = CORPUS / "releases" / "unrelated" / "low_tide.en.txt"
    r = served.client.post(
        "/works/new",
        data={
            "csrf": _csrf(form.text),
            "title": "Low Tide",
            "owner": "Harbour Films",
            "id": "low-tide",
            "meta": "genre=crime\nyear=2026",
        },
        files=served.upload(release),
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/works/low-tide"
    page = served.client.get("/works/low-tide")
    assert "Harbour Films" in page.text and "genre" in page.text
    bad = served.client.post(
        "/works/new", data={"csrf": _csrf(form.text), "meta": "novalue"}, files=served.upload(release)
    )
    assert bad.status_code == 422 and "KEY=VALUE" in bad.text
    r = served.client.post("/works/low-tide/remove", data={"csrf": _csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert served.client.get("/works/low-tide").status_code == 404


def test_sign_out_and_revocation_end_the_session(served: Served) -> None:
    from dockguard.service.keys import Role, create_key, revoke_key

    new = create_key(served.service.store, Role.SCANNER, "temp")
    _sign_in(served, new.token)
    assert served.client.get("/scans", follow_redirects=False).status_code == 200
    revoke_key(served.service.store, new.key.key_id)
    assert served.client.get("/scans", follow_redirects=False).status_code == 303
    _sign_in(served, served.scanner_key)
    page = served.client.get("/scans")
    served.client.post("/signout", data={"csrf": _csrf(page.text)})
    assert served.client.get("/scans", follow_redirects=False).status_code == 303


def test_no_open_redirect_after_sign_in(served: Served) -> None:
    page = served.client.get("/signin")
    r = served.client.post(
        "/signin",
        data={"key": served.scanner_key, "csrf": _csrf(page.text), "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/scans"
