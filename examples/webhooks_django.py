"""Receive Kopo Kopo webhooks in Django: one view, here in a single-file project.

The application's API key (not the client secret) signs webhooks. Run on loopback with:

    K2_API_KEY=... python examples/webhooks_django.py runserver 127.0.0.1:8000

In a real project, put `receive_webhook` in a views module, route it in urls.py and keep it
exempt from CSRF checks: K2 authenticates with the signature, not a CSRF token.
"""

from __future__ import annotations

import os
import sys

from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="example-only-not-secret",
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"],
        # Django rejects larger bodies before the view reads them.
        DATA_UPLOAD_MAX_MEMORY_SIZE=1_048_576,
        K2_API_KEY=os.environ.get("K2_API_KEY", ""),
    )

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

import k2core


@csrf_exempt
@require_POST
def receive_webhook(request: HttpRequest) -> HttpResponse:
    signature = k2core.find_signature(request.headers)
    try:
        event = k2core.parse_webhook(request.body, signature, settings.K2_API_KEY)
    except k2core.SignatureError:
        return HttpResponse("invalid signature", status=401)
    except k2core.PayloadError as error:
        return HttpResponse(f"invalid payload: {error}", status=400)

    return HttpResponse(type(event).__name__, status=200)


urlpatterns = [path("k2/webhooks", receive_webhook)]


if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
