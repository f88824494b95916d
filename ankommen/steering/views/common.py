"""What the steering screens share: the acting membership, form pages, confirmations and turning
domain errors into form errors or messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render

from ankommen.network.models import Membership
from ankommen.steering.services import SteeringError

PAGE_SIZE = 50


def actor_of(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def posted(request: HttpRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


def add_errors(form: Any, exc: SteeringError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def error_messages(request: HttpRequest, exc: SteeringError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def handle(
    request: HttpRequest, form: Any, action: Callable[[], Any], *, done: str, to: Callable[[Any], str]
) -> HttpResponse | None:
    """Run ``action`` on a valid POST: redirect to ``to(result)`` with a message, or put the domain
    error on the form (None: render the form again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = action()
    except SteeringError as exc:
        add_errors(form, exc)
        return None
    messages.success(request, done)
    return redirect(to(result))


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    submit: str,
    back: str,
    back_label: str,
    intro: str = "",
    multipart: bool = False,
    note: str = "",
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "submit": submit,
        "back": back,
        "back_label": back_label,
        "intro": intro,
        "multipart": multipart,
        "note": note,
    }
    return render(request, "steering/form.html", context)


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    question: str,
    submit: str,
    back: str,
    back_label: str,
    explanation: list[str] | None = None,
    blockers: list[str] | None = None,
    hidden: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {
        "title": title,
        "question": question,
        "submit": submit,
        "back": back,
        "back_label": back_label,
        "explanation": explanation or [],
        "blockers": blockers or [],
        "hidden": hidden or {},
    }
    return render(request, "steering/confirm.html", context)
