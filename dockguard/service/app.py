"""The FastAPI application of `dockguard serve`: the `/v1` API, health checks, and the web pages.

`create_app(service)` builds it around a `ScanService` (the warm model, registry and queue); the
application's lifespan starts and stops the service's threads. Every answer is JSON except the
reports and pages; every error is `{"detail": "<message>"}` (the CLI's message where the CLI has one).
"""

import json
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from starlette.datastructures import UploadFile as StarletteUploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from dockguard import __version__
from dockguard.errors import AlreadyRegistered, DockGuardError, InputError, NotRegistered, RegistryError
from dockguard.model import VerdictLevel
from dockguard.service.jobs import Job, JobNotFound, QueueFull, Upload
from dockguard.service.keys import ApiKey, Role, authenticate
from dockguard.service.limits import BodyLimit, UploadLimits, safe_name
from dockguard.service.runtime import ScanService

# --- response shapes (for the OpenAPI document; handlers return plain JSON of these shapes) -----


class ErrorOut(BaseModel):
    detail: str


class WebhookOut(BaseModel):
    url: str
    state: Literal["none", "pending", "delivered", "failed"]
    attempts: int
    error: str | None


class JobOut(BaseModel):
    """A scan job. `result` is the scan document (scan.schema.json) once `status` is `done`."""

    id: str
    status: Literal["queued", "running", "done", "failed"]
    error: str | None
    result: dict[str, Any] | None
    fail_on: str
    files: list[str]
    created_at: str
    started_at: str | None
    finished_at: str | None
    attempts: int
    webhook: WebhookOut | None


class VerdictOut(BaseModel):
    path: str
    verdict: str
    flagged: bool
    work_id: str | None
    score: float | None


class JobSummaryOut(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    error: str | None
    files: list[str]
    created_at: str
    finished_at: str | None
    flagged: int | None
    verdicts: list[VerdictOut]


class JobListOut(BaseModel):
    scans: list[JobSummaryOut]


class RegisteredOut(BaseModel):
    work_id: str
    title: str
    owner: str
    language: str
    lines: int
    content_hash: str
    registered_at: str
    receipt: str


class SkippedOut(BaseModel):
    work_id: str
    title: str
    existing_id: str
    reason: str


class RegisterOut(BaseModel):
    registered: list[RegisteredOut]
    skipped: list[SkippedOut]


class WorkSummaryOut(BaseModel):
    work_id: str
    title: str
    owner: str
    language: str
    registered_at: str
    content_hash: str
    episodes: int
    lines: int


class WorkListOut(BaseModel):
    works: list[WorkSummaryOut]


class ReceiptOut(BaseModel):
    seq: int
    hash: str
    prev_hash: str
    at: str


class WorkOut(BaseModel):
    work_id: str
    title: str
    owner: str
    language: str
    registered_at: str
    content_hash: str
    meta: dict[str, str]
    receipt: ReceiptOut
    script: dict[str, Any]


class RemovedOut(BaseModel):
    removed: str
    receipt: str
    at: str


class VerifyOut(BaseModel):
    ok: bool
    receipts_checked: int
    works_checked: int
    problems: list[str]


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str


class ReadyOut(BaseModel):
    ready: bool
    model: str
    registry: str
    error: str | None
    queue: dict[str, int]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    words = {
        400: "Malformed request",
        401: "No API key, or not a valid one",
        403: "The key's role may not do this",
        404: "Not found (or not this key's)",
        409: "Conflict",
        413: "Upload too large (request size or number of files)",
        422: "Invalid input: the message names the field or the uploaded file and the problem",
        503: "Not ready, queue full or registry busy: try again after Retry-After seconds",
    }
    return {c: {"model": ErrorOut, "description": words[c]} for c in codes}


# --- auth --------------------------------------------------------------------------------------

_bearer = HTTPBearer(
    auto_error=False, description="An API key: `dockguard keys create --role scanner|registrar`"
)


def _service(request: Request) -> ScanService:
    service: ScanService = request.app.state.service
    return service


def require(role: Role) -> Callable[..., ApiKey]:
    """A dependency: the request's API key, which must have `role` (401 without a valid key, 403 with a lesser one)."""

    def dependency(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> ApiKey:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise HTTPException(
                401,
                "an API key is required: send `Authorization: Bearer <key>`",
                headers={"WWW-Authenticate": "Bearer"},
            )
        key = authenticate(_service(request).store, credentials.credentials)
        if key is None:
            raise HTTPException(
                401,
                "this API key is not valid (unknown, malformed or revoked)",
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        if not key.role.may(role):
            raise HTTPException(403, f"a {key.role.value} key may not do this; it needs a {role.value} key")
        return key

    return dependency


ScannerKey = Annotated[ApiKey, Depends(require(Role.SCANNER))]
RegistrarKey = Annotated[ApiKey, Depends(require(Role.REGISTRAR))]


# --- helpers shared with the pages -------------------------------------------------------------


def read_uploads(files: Sequence[StarletteUploadFile], limits: UploadLimits) -> list[Upload]:
    """The uploaded files with safe, distinct names; 413 past the number of files, 422 when none or clashing."""
    files = [f for f in files if f.filename is not None or f.size]
    if not files:
        raise InputError("file", "no file uploaded: send the release as the multipart field `file`")
    if len(files) > limits.max_files:
        raise HTTPException(
            413, f"too many files: {len(files)} (the limit is {limits.max_files} per request)"
        )
    uploads, seen = [], set()
    for i, f in enumerate(files):
        name = safe_name(f.filename, i, limits)
        if name.casefold() in seen:
            raise InputError(name, "two uploaded files have this name; give each file its own name")
        seen.add(name.casefold())
        uploads.append(Upload(name, f.file.read()))
    return uploads


def submit_scan(
    service: ScanService,
    key: ApiKey,
    files: Sequence[StarletteUploadFile],
    *,
    fail_on: VerdictLevel,
    top: int,
    name: str,
    callback_url: str | None,
) -> Job:
    """Check the upload (as the worker will read it) and queue it: InputError, QueueFull or the job."""
    service.queue.check_room()
    uploads = read_uploads(files, service.settings.limits)
    folder = safe_name(name, 0, service.settings.limits) if name.strip() else "release"
    if callback_url is not None and callback_url.strip() == "":
        callback_url = None
    if callback_url is not None:
        parts = urlsplit(callback_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError("callback_url", f"must be an http:// or https:// URL, got {callback_url!r}")
    service.check_upload(uploads, folder)
    job = service.queue.submit(
        key.key_id, uploads, fail_on=fail_on.value, top=top, name=folder, callback_url=callback_url
    )
    service.wake.set()
    return job


def job_summary(job: Job) -> dict[str, Any]:
    verdicts = []
    if job.result is not None:
        for r in job.result["results"]:
            best = r["matches"][0] if r["matches"] else None
            verdicts.append(
                {
                    "path": r["path"],
                    "verdict": r["verdict"],
                    "flagged": r["flagged"],
                    "work_id": best["work_id"] if best else None,
                    "score": best["score"] if best else None,
                }
            )
    return {
        "id": job.job_id,
        "status": job.status,
        "error": job.error,
        "files": list(job.files),
        "created_at": job.created_at,
        "finished_at": job.finished_at,
        "flagged": None if job.result is None else job.result["flagged"],
        "verdicts": verdicts,
    }


def _detail(message: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status, headers=headers)


# --- the application ---------------------------------------------------------------------------


def create_app(service: ScanService, *, manage_service: bool = True) -> Any:
    """The ASGI application (FastAPI inside the upload size limit). With `manage_service`, its
    lifespan starts the service's threads and stops them (and closes the registry) at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if manage_service:
            service.start()
        try:
            yield
        finally:
            if manage_service:
                service.stop()

    app = FastAPI(
        title="DockGuard",
        version=__version__,
        description="Register Chinese original scripts; scan foreign releases for copies. "
        "Submit a scan → job id → poll (or webhook) → result (the scan document) and the HTML report.",
        lifespan=lifespan,
        docs_url=None,  # Swagger UI loads its scripts from a CDN; the contract is /openapi.json
        redoc_url=None,
    )
    app.state.service = service
    max_wait = service.settings.max_wait_s

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        if request.url.path.startswith("/v1/") or request.url.path in (
            "/healthz",
            "/readyz",
            "/openapi.json",
        ):
            return _detail(str(exc.detail), exc.status_code, getattr(exc, "headers", None))
        from dockguard.service.pages import error_page

        return error_page(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path"))
            parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else str(e.get("msg", "invalid")))
        return _detail("; ".join(parts) or "invalid request", 422)

    @app.exception_handler(DockGuardError)
    async def library_error(request: Request, exc: DockGuardError) -> Any:
        status, headers = 422, None
        if isinstance(exc, QueueFull):
            status, headers = 503, {"Retry-After": str(exc.retry_after)}
        elif isinstance(exc, (NotRegistered, JobNotFound)):
            status = 404
        elif isinstance(exc, AlreadyRegistered):
            status = 409
        elif isinstance(exc, RegistryError):
            status, headers = 503, {"Retry-After": "5"}
        if request.url.path.startswith("/v1/"):
            return _detail(str(exc), status, headers)
        from dockguard.service.pages import error_page

        return error_page(request, status, str(exc), headers)

    # -- health --

    @app.get("/healthz", response_model=HealthOut, tags=["health"], summary="Alive")
    def healthz() -> Any:
        return {"status": "ok", "version": __version__}

    @app.get(
        "/readyz",
        response_model=ReadyOut,
        tags=["health"],
        summary="Model and registry index loaded",
        responses={503: {"model": ReadyOut, "description": "Still loading, or loading failed"}},
    )
    def readyz() -> Any:
        ready = service.ready.is_set()
        body = {
            "ready": ready,
            "model": service.embedder.model_id,
            "registry": service.registry_url,
            "error": service.load_error,
            "queue": service.queue.counts(),
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    # -- scans --

    @app.post(
        "/v1/scans",
        status_code=202,
        tags=["scans"],
        summary="Submit releases to scan",
        response_model=None,
        responses={
            202: {"model": JobOut, "description": "Accepted (not finished within `wait`)"},
            200: {"model": JobOut, "description": "Finished within `wait` seconds"},
            **_errors(401, 403, 413, 422, 503),
        },
    )
    def post_scan(
        key: ScannerKey,
        file: Annotated[
            list[UploadFile],
            File(
                description="The release(s): one or more files (scripts, subtitles, "
                "zips). Episode files (EP01, 第1集 …) together are one release."
            ),
        ],
        fail_on: Annotated[
            VerdictLevel, Form(description="Level at which a release is `flagged`")
        ] = VerdictLevel.PARTIAL_COPY,
        top: Annotated[int, Form(ge=1, le=50, description="Matches kept per release")] = 5,
        name: Annotated[
            str, Form(max_length=100, description="Name of the release folder in results")
        ] = "release",
        callback_url: Annotated[
            str | None, Form(max_length=2000, description="Webhook: POSTed the job when it finishes")
        ] = None,
        wait: Annotated[
            float,
            Query(ge=0, le=max_wait, description="Answer with the result if done within this many seconds"),
        ] = 0,
    ) -> Any:
        job = submit_scan(service, key, file, fail_on=fail_on, top=top, name=name, callback_url=callback_url)
        if wait > 0:
            job = service.wait_for(job.job_id, key.key_id, wait)
        return JSONResponse(
            job.to_json(),
            status_code=200 if job.finished else 202,
            headers={"Location": f"/v1/scans/{job.job_id}"},
        )

    @app.get(
        "/v1/scans",
        tags=["scans"],
        summary="This key's scans, newest first",
        response_model=JobListOut,
        responses=_errors(401, 403, 422),
    )
    def list_scans(
        key: ScannerKey,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> Any:
        return JSONResponse(
            {"scans": [job_summary(j) for j in service.queue.list_jobs(key.key_id, limit, offset)]}
        )

    @app.get(
        "/v1/scans/{scan_id}",
        tags=["scans"],
        summary="A scan's status and, once done, its result",
        response_model=None,
        responses={200: {"model": JobOut, "description": "The job"}, **_errors(401, 403, 404, 422)},
    )
    def get_scan(key: ScannerKey, scan_id: str, wait: Annotated[float, Query(ge=0, le=max_wait)] = 0) -> Any:
        job = (
            service.wait_for(scan_id, key.key_id, wait)
            if wait > 0
            else service.queue.get(scan_id, key.key_id)
        )
        return JSONResponse(job.to_json())

    @app.get(
        "/v1/scans/{scan_id}/report",
        tags=["scans"],
        summary="The HTML evidence report of a finished scan",
        response_model=None,
        responses={
            200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "The report"},
            **_errors(401, 403, 404, 409, 422),
        },
    )
    def get_report(key: ScannerKey, scan_id: str) -> Any:
        from dockguard.service.report import render_report

        job = service.queue.get(scan_id, key.key_id)
        if job.result is None:
            raise HTTPException(
                409,
                f"scan {scan_id} is {job.status}"
                + (f": {job.error}" if job.error else "; try again when done"),
            )
        return HTMLResponse(render_report(job.result))

    # -- works --

    @app.post(
        "/v1/works",
        status_code=201,
        tags=["works"],
        summary="Register an original work (registrar)",
        response_model=RegisterOut,
        responses=_errors(401, 403, 409, 413, 422, 503),
    )
    def post_work(
        key: RegistrarKey,
        file: Annotated[
            list[UploadFile], File(description="The work: one file, a zip, or its episode files")
        ],
        title: Annotated[str | None, Form(max_length=500)] = None,
        owner: Annotated[str, Form(max_length=500)] = "",
        lang: Annotated[str | None, Form(max_length=35)] = None,
        work_id: Annotated[
            str | None, Form(alias="id", max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
        ] = None,
        meta: Annotated[list[str], Form(description="KEY=VALUE, repeatable")] = [],  # noqa: B006 - FastAPI copies defaults
        skip_existing: Annotated[bool, Form()] = False,
    ) -> Any:
        pairs = parse_meta(meta)
        uploads = read_uploads(file, service.settings.limits)
        body = service.register_upload(
            uploads,
            title=title or None,
            owner=owner,
            lang=lang or None,
            work_id=work_id or None,
            meta=pairs,
            skip_existing=skip_existing,
        )
        return JSONResponse(body, status_code=201)

    @app.get(
        "/v1/works",
        tags=["works"],
        summary="The registered works",
        response_model=WorkListOut,
        responses=_errors(401, 403, 422),
    )
    def list_works(
        key: ScannerKey,
        q: Annotated[str, Query(max_length=200, description="Title, owner or id contains")] = "",
    ) -> Any:
        return JSONResponse({"works": service.works_json(q)})

    @app.get(
        "/v1/works/{work_id}",
        tags=["works"],
        summary="A work with its receipt",
        response_model=WorkOut,
        responses=_errors(401, 403, 404, 422),
    )
    def get_work(key: ScannerKey, work_id: str) -> Any:
        return JSONResponse(service.work_json(work_id))

    @app.delete(
        "/v1/works/{work_id}",
        tags=["works"],
        summary="Remove a work (registrar); a removal receipt is appended",
        response_model=RemovedOut,
        responses=_errors(401, 403, 404, 422, 503),
    )
    def delete_work(key: RegistrarKey, work_id: str) -> Any:
        receipt = service.registry.remove_work(work_id)
        return JSONResponse({"removed": work_id, "receipt": receipt.hash, "at": receipt.at})

    @app.get(
        "/v1/verify",
        tags=["works"],
        summary="Check the receipt chain and every work",
        response_model=VerifyOut,
        responses=_errors(401, 403),
    )
    def verify(key: ScannerKey) -> Any:
        report = service.registry.verify()
        return JSONResponse(
            {
                "ok": report.ok,
                "receipts_checked": report.receipts_checked,
                "works_checked": report.works_checked,
                "problems": list(report.problems),
            }
        )

    from dockguard.service.pages import add_pages

    add_pages(app, service)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return BodyLimit(app, service.settings.limits.max_request_bytes)


def parse_meta(items: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError("meta", f"takes KEY=VALUE, got {item!r}")
        pairs.append((key.strip(), value.strip()))
    return pairs


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with `JobOut.result` typed by the scan document's own JSON Schema."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    from dockguard.report.document import schema

    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    scan = json.loads(json.dumps(schema()).replace('"#/$defs/', '"#/components/schemas/ScanDocument_'))
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    for name, sub in scan.pop("$defs", {}).items():
        components[f"ScanDocument_{name}"] = sub
    scan.pop("$schema", None)
    scan.pop("$id", None)
    components["ScanDocument"] = scan
    components["JobOut"]["properties"]["result"] = {
        "anyOf": [{"$ref": "#/components/schemas/ScanDocument"}, {"type": "null"}],
        "description": "The scan document (dockguard/report/scan.schema.json) once the scan is done",
    }
    app.openapi_schema = doc
    return doc
