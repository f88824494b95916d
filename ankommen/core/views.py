from __future__ import annotations

import platform

import django
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ankommen.accounts.services import change_language
from ankommen.core.home import panels_for
from ankommen.network.access import public, requires


@requires("jobs.view_own")  # every member has it; the page itself is filled per role
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"panels": panels_for(request)})


@public
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@public
def bench_hello(request: HttpRequest) -> HttpResponse:
    """The smallest page: what the page benchmark compares every page with (the framework's floor).
    Routed only when ``ANKOMMEN_BENCH_HELLO=1`` (ankommen/core/urls.py)."""
    return HttpResponse("hello", content_type="text/plain")


@public
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; kept in a cookie and, when logged in, in the user's profile."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        change_language(request.user, language)  # type: ignore[arg-type]
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
    )
    return response


@requires("platform.view_status")
def status(request: HttpRequest) -> HttpResponse:
    from ankommen.jobs.models import BackgroundJob, JobStatus

    context = {
        "django_version": django.get_version(),
        "python_version": platform.python_version(),
        "database_vendor": connection.vendor,
        "task_backend": settings.HUEY["huey_class"],
        "debug": settings.DEBUG,
        "otp_required": settings.OTP_REQUIRED,
        "queued_jobs": BackgroundJob.objects.filter(status=JobStatus.QUEUED).count(),
        "running_jobs": BackgroundJob.objects.filter(status=JobStatus.RUNNING).count(),
        "failed_jobs": BackgroundJob.objects.filter(status=JobStatus.FAILED).count(),
    }
    return render(request, "core/status.html", context)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Permission denied."}, status=403)
    template = "core/no_membership.html" if getattr(request, "membership", True) is None else "403.html"
    return render(request, template, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)
