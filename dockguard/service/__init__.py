"""`dockguard serve`: the HTTP service (API under /v1, web pages) over the same library as the CLI.

Modules: store (the service's own tables), keys (API keys), jobs (the persistent queue), webhooks,
limits (upload limits), runtime (the warm model, registry and workers), app (FastAPI: API and health),
pages (server-rendered web pages), report (the HTML evidence report of a stored scan).
Needs the `service` extra: pip install 'dockguard[service]'.
"""

from __future__ import annotations

SERVICE_PACKAGES = ("fastapi", "uvicorn", "multipart", "jinja2", "httpx")


def require_service_packages() -> None:
    """Fail at once, with the install command, when the service's packages are missing."""
    import importlib.util

    from dockguard.errors import DockGuardError

    missing = [name for name in SERVICE_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        raise DockGuardError(
            f"`dockguard serve` needs {', '.join(missing)}: pip install 'dockguard[service]'"
        )
