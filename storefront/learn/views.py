"""Training pages, phone first: reads through incubator.training.selectors, writes through its
services (the same ones the API calls). The verification page is public and answers an unknown
number and a wrong code alike (no oracle), throttled per address and user."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from incubator.training import services
from incubator.training.certificate_pdf import certificate_pdf, verification_url
from incubator.training.policies import mask_name
from incubator.training.selectors import (
    course_get,
    course_list,
    enrolment_get,
    enrolment_list_for_user,
    lesson_get,
    lessons_done_ids,
)
from marketplace.shops.selectors import shop_ids_of_member
from meidu.core.errors import DomainError


def _course_or_404(slug: str):
    course = course_get(slug)
    if course is None:
        raise Http404
    return course


def _image_embeddable(url: str) -> bool:
    """A lesson's picture is shown in the page only from an origin the Content-Security-Policy allows
    (CSP_IMG_SRC: the media bucket, or hosts an operator adds); any other is offered as a link."""
    parts = urlsplit(url)
    return bool(url) and f"{parts.scheme}://{parts.netloc}" in settings.CSP_IMG_SRC


def _refuse(request, exc: DomainError) -> None:
    for error in exc.as_list():
        messages.error(request, error.message)


@require_safe
def course_list_page(request):
    mine = {}
    if request.user.is_authenticated:
        mine = {e.course_id: e for e in enrolment_list_for_user(request.user)}
    courses = list(course_list())
    for course in courses:
        course.my_enrolment = mine.get(course.pk)
    return render(request, "learn/courses.html", {"courses": courses})


@require_safe
def course_page(request, slug):
    course = _course_or_404(slug)
    enrolment = enrolment_get(request.user, course.pk)
    done = lessons_done_ids(enrolment)
    lessons = list(course.lessons.all())
    for lesson in lessons:
        lesson.done = lesson.pk in done
    context = {
        "course": course,
        "lessons": lessons,
        "enrolment": enrolment,
        "done_count": len(done),
        "has_shop": bool(request.user.is_authenticated and shop_ids_of_member(request.user)),
        "next_lesson": next((lesson for lesson in lessons if not lesson.done), None),
    }
    return render(request, "learn/course.html", context)


@login_required
@require_POST
def enrol(request, slug):
    course = _course_or_404(slug)
    try:
        services.course_enrol(request.user, course)
    except DomainError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("You are enrolled. Start with the first lesson."))
    return redirect("learn:course", slug=course.slug)


@login_required
@require_safe
def lesson_page(request, slug, position):
    course = _course_or_404(slug)
    lesson = lesson_get(course, position)
    if lesson is None:
        raise Http404
    enrolment = enrolment_get(request.user, course.pk)
    if enrolment is None:
        messages.error(request, _("Enrol in the course before completing its lessons."))
        return redirect("learn:course", slug=course.slug)
    done = lessons_done_ids(enrolment)
    lessons = list(course.lessons.all())
    index = next(n for n, item in enumerate(lessons) if item.pk == lesson.pk)
    context = {
        "course": course,
        "lesson": lesson,
        "enrolment": enrolment,
        "done": lesson.pk in done,
        "image_embedded": _image_embeddable(lesson.image_url),
        "previous": lessons[index - 1] if index > 0 else None,
        "next": lessons[index + 1] if index + 1 < len(lessons) else None,
        "count": len(lessons),
        "number": index + 1,
    }
    return render(request, "learn/lesson.html", context)


@login_required
@require_POST
def lesson_done(request, slug, position):
    course = _course_or_404(slug)
    lesson = lesson_get(course, position)
    if lesson is None:
        raise Http404
    try:
        enrolment = services.lesson_complete_in_course(request.user, course, lesson)
    except DomainError as exc:
        _refuse(request, exc)
        return redirect("learn:course", slug=course.slug)
    following = lesson_get(course, position + 1)
    if enrolment.completed_at is not None:
        messages.success(request, _("Course completed! Your certificate is ready."))
        return redirect("learn:course", slug=course.slug)
    messages.success(request, _("Lesson marked as done."))
    if following is not None:
        return redirect("learn:lesson", slug=course.slug, position=following.position)
    return redirect("learn:course", slug=course.slug)


@login_required
@require_safe
def my_learning(request):
    enrolments = list(enrolment_list_for_user(request.user))
    context = {
        "enrolments": enrolments,
        "has_shop": bool(shop_ids_of_member(request.user)),
        "any_completed": any(e.completed_at for e in enrolments),
    }
    return render(request, "learn/mine.html", context)


@login_required
@require_safe
def certificate_pdf_download(request, slug):
    course = _course_or_404(slug)
    try:
        certificate = services.certificate_for_download(request.user, course)
    except DomainError as exc:
        _refuse(request, exc)
        return redirect("learn:course", slug=course.slug)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.number}.pdf"'
    return response


@require_safe
def certificate_verify_page(request):
    """The QR's target: /learn/certificates/verify/?number=…&code=…; the same page is the form."""
    number = (request.GET.get("number") or "").strip()[:40]
    code = (request.GET.get("code") or "").strip()[:40]
    context = {"number": number, "code": code}
    if not number and not code:
        return render(request, "learn/verify.html", context)
    try:
        certificate = services.certificate_verify(
            number,
            code,
            address=request.META.get("REMOTE_ADDR"),
            user_id=request.user.pk if request.user.is_authenticated else None,
        )
    except DomainError as exc:
        context.update(refusal=exc.message, refusal_code=exc.code)
        return render(request, "learn/verify.html", context, status=429 if exc.code == "throttled" else 404)
    context.update(
        certificate=certificate,
        holder=mask_name(certificate.holder_name),
        verification_url=verification_url(certificate),
    )
    return render(request, "learn/verify.html", context)
