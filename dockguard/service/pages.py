"""Web pages for people, served by the same process as the API: sign in with a key, upload a release
and watch it, one's scans with their verdicts, the evidence report, the registry (list, search, a
work with its receipt), registering a work (registrar keys).

Server-rendered (Jinja2), no JavaScript needed (a scan's page refreshes itself with a meta refresh
while it runs), no CDN (one stylesheet from /static). The session is a signed cookie naming the key
(checked against the key table on every request, so revoking a key signs it out); every form carries
a CSRF token that must equal the signed `dg_csrf` cookie, and both cookies are SameSite=Strict.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from dockguard import __version__
from dockguard.errors import DockGuardError
from dockguard.model import VerdictLevel
from dockguard.service.keys import ApiKey, Role, authenticate, get_key
from dockguard.service.runtime import ScanService

SESSION_COOKIE = "dg_session"
CSRF_COOKIE = "dg_csrf"
SESSION_S = 12 * 3600

_env = Environment(
    loader=PackageLoader("dockguard.service", "templates"), autoescape=select_autoescape(["html"])
)
LEVELS = [v.value for v in VerdictLevel]


def _sign(secret: bytes, purpose: str, value: str) -> str:
    return hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def _signed(secret: bytes, purpose: str, value: str) -> str:
    return f"{value}.{_sign(secret, purpose, value)}"


def _unsigned(secret: bytes, purpose: str, cookie: str | None) -> str | None:
    if not cookie or "." not in cookie:
        return None
    value, _, sig = cookie.rpartition(".")
    return value if hmac.compare_digest(sig, _sign(secret, purpose, value)) else None


def _service(request: Request) -> ScanService:
    service: ScanService = request.app.state.service
    return service


def signed_in(request: Request) -> ApiKey | None:
    """The key the session cookie names, while the cookie is unexpired and the key not revoked."""
    service = _service(request)
    value = _unsigned(service.store.secret, "session", request.cookies.get(SESSION_COOKIE))
    if value is None:
        return None
    key_id, _, expires = value.partition(".")
    if not expires.isdigit() or int(expires) < time.time():
        return None
    return get_key(service.store, key_id)


def _csrf(request: Request) -> tuple[str, bool]:
    """The CSRF token for this browser (the signed cookie's value), and whether the cookie must be set."""
    secret = _service(request).store.secret
    cookie = request.cookies.get(CSRF_COOKIE)
    if cookie and _unsigned(secret, "csrf", cookie) is not None:
        return cookie, False
    return _signed(secret, "csrf", secrets.token_urlsafe(16)), True


def _csrf_ok(request: Request, form_token: object) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    secret = _service(request).store.secret
    return (
        isinstance(form_token, str)
        and cookie is not None
        and _unsigned(secret, "csrf", cookie) is not None
        and hmac.compare_digest(form_token, cookie)
    )


def render(
    request: Request, template: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    token, fresh = _csrf(request)
    key = context.pop("key", None) or signed_in(request)
    html = _env.get_template(template).render(
        request=request,
        key=key,
        csrf=token,
        version=__version__,
        levels=LEVELS,
        registrar=bool(key and key.role is Role.REGISTRAR),
        **context,
    )
    response = HTMLResponse(html, status_code=status, headers=headers)
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:"
    )
    if fresh:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")
    return response


def error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    if status == 401:
        return _to_signin(request)
    return render(request, "error.html", status=status, headers=headers, status_code=status, message=message)


def _to_signin(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/signin?next={quote(request.url.path)}", status_code=303)


def _forbidden_csrf(request: Request) -> Response:
    return render(
        request,
        "error.html",
        status=403,
        status_code=403,
        message="the form expired or did not come from this site (CSRF check failed); reload the page and try again",
    )


def add_pages(app: FastAPI, service: ScanService) -> None:
    static = resources.files("dockguard.service").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    limits = service.settings.limits

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        return RedirectResponse("/scans" if signed_in(request) else "/signin", status_code=303)

    @app.get("/signin", include_in_schema=False)
    def signin_page(request: Request, next: str = "/scans") -> Response:
        return render(request, "signin.html", next=_local(next), error=None)

    @app.post("/signin", include_in_schema=False)
    async def signin(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        if not _csrf_ok(request, form.get("csrf")):
            return _forbidden_csrf(request)
        token = str(form.get("key") or "")
        key = await run_in_threadpool(authenticate, service.store, token)
        target = _local(str(form.get("next") or "/scans"))
        if key is None:
            return render(
                request,
                "signin.html",
                status=401,
                next=target,
                error="That key is not valid (unknown, mistyped or revoked).",
            )
        response = RedirectResponse(target, status_code=303)
        value = _signed(service.store.secret, "session", f"{key.key_id}.{int(time.time()) + SESSION_S}")
        response.set_cookie(
            SESSION_COOKIE, value, max_age=SESSION_S, httponly=True, samesite="strict", path="/"
        )
        return response

    @app.post("/signout", include_in_schema=False)
    async def signout(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=10)
        if not _csrf_ok(request, form.get("csrf")):
            return _forbidden_csrf(request)
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/scans", include_in_schema=False)
    def scans_page(request: Request) -> Response:
        key = signed_in(request)
        if key is None:
            return _to_signin(request)
        return render(request, "scans.html", key=key, scans=_summaries(service, key), error=None)

    @app.post("/scans", include_in_schema=False)
    async def scans_submit(request: Request) -> Response:
        from dockguard.service.app import submit_scan

        key = signed_in(request)
        if key is None:
            return _to_signin(request)
        form = await request.form(max_files=limits.max_files + 1, max_fields=20)
        if not _csrf_ok(request, form.get("csrf")):
            return _forbidden_csrf(request)
        files = [f for f in form.getlist("file") if isinstance(f, UploadFile) and f.filename]
        level = str(form.get("fail_on") or VerdictLevel.PARTIAL_COPY.value)
        try:
            if level not in LEVELS:
                raise DockGuardError(f"fail_on must be one of {', '.join(LEVELS)}")
            job = await run_in_threadpool(
                submit_scan,
                service,
                key,
                files,
                fail_on=VerdictLevel(level),
                top=5,
                name=str(form.get("name") or "release"),
                callback_url=None,
            )
        except DockGuardError as e:
            return render(
                request, "scans.html", status=422, key=key, scans=_summaries(service, key), error=str(e)
            )
        return RedirectResponse(f"/scans/{job.job_id}", status_code=303)

    @app.get("/scans/{scan_id}", include_in_schema=False)
    def scan_page(request: Request, scan_id: str) -> Response:
        from dockguard.service.app import job_summary

        key = signed_in(request)
        if key is None:
            return _to_signin(request)
        job = service.queue.get(scan_id, key.key_id)
        return render(
            request,
            "scan.html",
            key=key,
            job=job,
            summary=job_summary(job),
            matches=_best_matches(job.result),
            refresh=not job.finished,
        )

    @app.get("/scans/{scan_id}/report", include_in_schema=False)
    def report_page(request: Request, scan_id: str) -> Response:
        from dockguard.service.report import render_report

        key = signed_in(request)
        if key is None:
            return _to_signin(request)
        job = service.queue.get(scan_id, key.key_id)
        if job.result is None:
            return RedirectResponse(f"/scans/{scan_id}", status_code=303)
        return HTMLResponse(render_report(job.result))

    @app.get("/works", include_in_schema=False)
    def works_page(request: Request, q: str = "") -> Response:
        key = signed_in(request)
        if key is None:
            return _to_signin(request)
        return render(request, "works.html", key=key, works=service.works_json(q[:200]), q=q[:200])

    @app.get("/works/new", include_in_schema=False)
    def work_new_page(request: Request) -> Response:
        key = signed_in(request)
        if key is None:
            return _to_signin(request)
        if key.role is not Role.REGISTRAR:
            return error_page(request, 403, "registering works needs a registrar key")
        return render(request, "work_new.html", key=key, error=None, form={})

    @app.post("/works/new", include_in_schema=False)
    async def work_new(request: Request) -> Response:
        from dockguard.service.app import parse_meta, read_uploads

        key = signed_in(request)
        if key is None:
            return _to_signin(request)
        if key.role is not Role.REGISTRAR:
            return error_page(request, 403, "registering works needs a registrar key")
        form = await request.form(max_files=limits.max_files + 1, max_fields=20)
        if not _csrf_ok(request, form.get("csrf")):
            return _forbidden_csrf(request)
        fields = {k: str(form.get(k) or "").strip() for k in ("title", "owner", "lang", "id", "meta")}
        files = [f for f in form.getlist("file") if isinstance(f, UploadFile) and f.filename]
        try:
            uploads = await run_in_threadpool(read_uploads, files, limits)
            meta = parse_meta([m for m in fields["meta"].splitlines() if m.strip()])
            body = await run_in_threadpool(
                service.register_upload,
                uploads,
                title=fields["title"] or None,
                owner=fields["owner"],
                lang=fields["lang"] or None,
                work_id=fields["id"] or None,
                meta=meta,
                skip_existing=False,
            )
        except DockGuardError as e:
            return render(request, "work_new.html", status=422, key=key, error=str(e), form=fields)
        return RedirectResponse(f"/works/{quote(body['registered'][0]['work_id'])}", status_code=303)

    @app.get("/works/{work_id}", include_in_schema=False)
    def work_page(request: Request, work_id: str) -> Response:
        key = signed_in(request)
        if key is None:
            return _to_signin(request)
        return render(request, "work.html", key=key, work=service.work_json(work_id))

    @app.post("/works/{work_id}/remove", include_in_schema=False)
    async def work_remove(request: Request, work_id: str) -> Response:
        key = signed_in(request)
        if key is None:
            return _to_signin(request)
        form = await request.form(max_files=0, max_fields=10)
        if not _csrf_ok(request, form.get("csrf")):
            return _forbidden_csrf(request)
        if key.role is not Role.REGISTRAR:
            return error_page(request, 403, "removing works needs a registrar key")
        await run_in_threadpool(service.registry.remove_work, work_id)
        return RedirectResponse("/works", status_code=303)


def _local(target: str) -> str:
    """Only same-site paths after sign-in (no open redirect)."""
    return (
        target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/scans"
    )


def _summaries(service: ScanService, key: ApiKey) -> list[dict[str, Any]]:
    from dockguard.service.app import job_summary

    return [job_summary(j) for j in service.queue.list_jobs(key.key_id, 100)]


def _best_matches(result: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Per release: its verdict and best match, for the scan page's table."""
    if result is None:
        return []
    rows = []
    for r in result["results"]:
        best = r["matches"][0] if r["matches"] else None
        rows.append(
            {
                "path": r["path"],
                "verdict": r["verdict"],
                "flagged": r["flagged"],
                "language": r["language"],
                "lines": r["lines"],
                "best": best,
            }
        )
    return rows
