"""Helpers shared by the funding screens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from ankommen.funding.models import Application
from ankommen.network.models import Membership


def actor_of(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def files_of(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def to_application(application: Application, anchor: str = "") -> HttpResponse:
    url = reverse("funding:application", kwargs={"application_id": application.pk})
    return redirect(f"{url}#{anchor}" if anchor else url)


def error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def add_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's error on the form: per field where the field exists, else on the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


def form_page(request: HttpRequest, form: Any, *, title: str, submit: str, back: str, **extra: Any) -> HttpResponse:
    context = {"form": form, "title": title, "submit": submit, "back": back, **extra}
    return render(request, "funding/form.html", context)


def file_response(handle: Any, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def open_stored(field: Any) -> Any:
    try:
        return field.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
