"""The web face: the portal's routes, gathered from the modules of each concern, behind the guard.

Handlers raise refusals; `refusals.HANDLERS` answers them all (JSON under /api/, a page elsewhere).
Requests naming a host the portal does not answer to are refused (Starlette's TrustedHostMiddleware).
Nothing under contributions/ changes unless an upload was readable.
"""

from __future__ import annotations

import contextlib

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from ..build import kept_warm
from . import agency, api, edition, editors, pages, registers, returned
from .guard import Guard
from .logs import RedactSecrets, RedactTokens
from .refusals import HANDLERS
from .state import Portal, Settings
from .throttle import RateLimits

__all__ = ["RedactSecrets", "RedactTokens", "Settings", "create_app"]  # what `jointreport serve` runs

ROUTES = (pages.ROUTES + api.ROUTES + agency.ROUTES + editors.ROUTES + edition.ROUTES + registers.ROUTES
          + returned.ROUTES)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette):
    with kept_warm():  # the portal's builds share one Typst: a rebuild sets again only what changed
        yield


def create_app(settings: Settings) -> Guard:
    """The portal for one project: its shared state on `app.state.portal`, every request through the
    guard (security headers, rate limits; bodies over the upload limit, and a little for the form,
    refused early; bodies that stop coming)."""
    app = Starlette(routes=ROUTES, exception_handlers=HANDLERS, lifespan=lifespan,
                    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts)])
    app.state.portal = Portal.open(settings)
    return Guard(app, settings.max_upload + 1_000_000, settings.max_upload,
                 RateLimits(settings.page_rate, settings.rate), settings.body_idle, settings.body_deadline)
