"""Training use cases: staff add courses, lessons and mentors; a trainee enrols, marks lessons done,
completes the course and receives a certificate; anyone verifies a certificate by number and code.

Lock order: lesson_complete locks the enrolment row (SELECT ... FOR UPDATE) and then writes its
progress, events and certificate, so two taps on the last lesson complete the course once.
course_enrol relies on the unique (user, course) constraint; a concurrent second enrolment is refused
as ALREADY_ENROLLED. certificate_verify writes nothing but the throttle's failure counters.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator.training.error_codes import TrainingErrorCode as Code
from incubator.training.models import (
    Certificate,
    Course,
    CourseMentor,
    Enrolment,
    EnrolmentAction,
    EnrolmentEvent,
    Lesson,
    LessonProgress,
)
from incubator.training.policies import link_is_web_url
from meidu.accounts import throttle
from meidu.core.errors import DomainError
from meidu.core.validation import text_refusal

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off paper
CODE_LENGTH = 8
NUMBER_MAX = 20
VERIFY_FAILURES_MAX = 10  # failed look-ups per address or user in VERIFY_WINDOW_SECONDS
VERIFY_WINDOW_SECONDS = 15 * 60


def _text(value, field: str, *, max_length: int, required: bool = True, name: bool = False) -> str:
    if not isinstance(value, str):
        raise DomainError(_("Enter text."), Code.INVALID, field=field)
    value = value.strip()
    if required and not value:
        raise DomainError(_("This field is required."), Code.REQUIRED, field=field)
    refusal = text_refusal(value, max_length=max_length, name=name)
    if refusal:
        raise DomainError(str(refusal), Code.INVALID, field=field)
    return value


def _link(value, field: str) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        return ""
    if not isinstance(value, str) or not link_is_web_url(value):
        raise DomainError(_("Enter a web address starting with http:// or https://."), Code.INVALID_URL, field=field)
    return value


# --- staff ---------------------------------------------------------------------------------------


def course_create(*, slug: str, title: str, summary: str = "", position: int = 0) -> Course:
    slug = _text(slug, "slug", max_length=80)
    title = _text(title, "title", max_length=120, name=True)
    summary = _text(summary, "summary", max_length=4000, required=False)
    with transaction.atomic():
        if Course.objects.filter(slug=slug).exists():
            raise DomainError(_("A course with this address exists."), Code.INVALID, field="slug")
        return Course.objects.create(slug=slug, title=title, summary=summary, position=position)


def lesson_add(course: Course, *, title: str, body: str = "", image_url: str = "", video_url: str = "") -> Lesson:
    """A lesson at the end of the course; its links must be http(s) (videos are linked, not hosted)."""
    title = _text(title, "title", max_length=120, name=True)
    body = _text(body, "body", max_length=20000, required=False)
    image_url, video_url = _link(image_url, "imageUrl"), _link(video_url, "videoUrl")
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        position = (locked.lessons.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        return Lesson.objects.create(
            course=locked, position=position, title=title, body=body, image_url=image_url, video_url=video_url
        )


def course_mentor_add(course: Course, user) -> CourseMentor:
    mentor, _created = CourseMentor.objects.get_or_create(course=course, user=user)
    return mentor


# --- trainees ------------------------------------------------------------------------------------


def _mentor_for(course: Course):
    """The course's mentor with the fewest trainees (ties: the first added)."""
    row = (
        CourseMentor.objects.filter(course=course)
        .annotate(load=Count("user__mentees", distinct=True))
        .order_by("load", "pk")
        .select_related("user")
        .first()
    )
    return row.user if row else None


def course_enrol(user, course: Course) -> Enrolment:
    """Enrol ``user`` in a published course, once; a mentor of the course is assigned."""
    if course is None or not course.is_published:
        raise DomainError(_("Course not found."), Code.NOT_FOUND, field="course")
    if Enrolment.objects.filter(user=user, course=course).exists():
        raise DomainError(_("You are already enrolled in this course."), Code.ALREADY_ENROLLED, field="course")
    now = timezone.now()
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(user=user, course=course, mentor=_mentor_for(course), enrolled_at=now)
            EnrolmentEvent.objects.create(
                enrolment=enrolment, action=EnrolmentAction.ENROLLED, actor=user, created_at=now
            )
    except IntegrityError:
        raise DomainError(
            _("You are already enrolled in this course."), Code.ALREADY_ENROLLED, field="course"
        ) from None
    return enrolment


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))


def _certificate_issue(enrolment: Enrolment, now) -> Certificate:
    user = enrolment.user
    name = f"{user.last_name}{user.first_name}".strip() or user.masked_phone or str(user.pk)
    return Certificate.objects.create(
        enrolment=enrolment,
        number=f"PX{now:%Y}{enrolment.pk:07d}",
        code=_new_code(),
        holder_name=name,
        course_title=enrolment.course.title,
        issued_at=now,
    )


def lesson_complete(user, lesson: Lesson) -> Enrolment:
    """Mark a lesson of a course the user is enrolled in as done (again is a no-op); the last lesson
    completes the enrolment and issues the certificate, in the same transaction."""
    if lesson is None:
        raise DomainError(_("Lesson not found."), Code.NOT_FOUND, field="lesson")
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("course", "user")
            .filter(user=user, course_id=lesson.course_id)
            .first()
        )
        if enrolment is None:
            raise DomainError(
                _("Enrol in the course before completing its lessons."), Code.NOT_ENROLLED, field="lesson"
            )
        now = timezone.now()
        _progress, created = LessonProgress.objects.get_or_create(
            enrolment=enrolment, lesson=lesson, defaults={"completed_at": now}
        )
        if not created:
            return enrolment
        EnrolmentEvent.objects.create(
            enrolment=enrolment, action=EnrolmentAction.LESSON_COMPLETED, lesson=lesson, actor=user, created_at=now
        )
        remaining = Lesson.objects.filter(course_id=enrolment.course_id).exclude(
            pk__in=LessonProgress.objects.filter(enrolment=enrolment).values("lesson_id")
        )
        if enrolment.completed_at is None and not remaining.exists():
            enrolment.completed_at = now
            enrolment.save(update_fields=["completed_at"])
            EnrolmentEvent.objects.create(
                enrolment=enrolment, action=EnrolmentAction.COMPLETED, actor=user, created_at=now
            )
            _certificate_issue(enrolment, now)
    return enrolment


def lesson_complete_in_course(user, course: Course, lesson: Lesson | None) -> Enrolment:
    """The API's and the lesson page's door: the lesson must belong to ``course``."""
    if lesson is not None and course is not None and lesson.course_id != course.pk:
        raise DomainError(_("This lesson belongs to another course."), Code.LESSON_OF_ANOTHER_COURSE, field="lesson")
    return lesson_complete(user, lesson)


def certificate_for_download(user, course: Course) -> Certificate:
    """The trainee's own certificate of a completed course; refused before completion."""
    enrolment = Enrolment.objects.filter(user=user, course=course).select_related("certificate").first()
    if enrolment is None:
        raise DomainError(_("You are not enrolled in this course."), Code.NOT_ENROLLED, field="course")
    if enrolment.completed_at is None or not hasattr(enrolment, "certificate"):
        raise DomainError(
            _("Complete every lesson of the course to receive its certificate."), Code.NOT_COMPLETED, field="course"
        )
    return enrolment.certificate


# --- verification (public) -------------------------------------------------------------------------


def _clean(value, length: int) -> str:
    if not isinstance(value, str):
        return ""
    value = "".join(value.split()).replace("-", "").upper()
    return value if len(value) <= length and value.isalnum() and value.isascii() else ""


def _failure_keys(address: str | None, user_id: int | None) -> list[str]:
    keys = [f"certificate-verify-fail:ip:{address}"] if address else []
    if user_id:
        keys.append(f"certificate-verify-fail:user:{user_id}")
    return keys


def certificate_verify(number, code, *, address: str | None = None, user_id: int | None = None) -> Certificate:
    """The certificate whose number and code both match. An unknown number and a wrong code give the
    same answer (CERTIFICATE_NOT_FOUND: no oracle for numbers), and after VERIFY_FAILURES_MAX
    failures from one address or user every look-up is THROTTLED until the window ends."""
    keys = _failure_keys(address, user_id)
    if VERIFY_FAILURES_MAX and any(throttle.hits(key) >= VERIFY_FAILURES_MAX for key in keys):
        raise DomainError(_("Too many failed look-ups. Try again later."), Code.THROTTLED)
    clean_number, clean_code = _clean(number, NUMBER_MAX), _clean(code, CODE_LENGTH * 2)
    certificate = Certificate.objects.filter(number=clean_number).select_related("enrolment__course").first()
    if (
        certificate is None
        or not clean_code
        or not secrets.compare_digest(certificate.code.encode(), clean_code.encode())
    ):
        for key in keys:
            throttle.hit(key, VERIFY_WINDOW_SECONDS)
        raise DomainError(
            _("No certificate has this number and code. Check both and try again."),
            Code.CERTIFICATE_NOT_FOUND,
            field="code",
        )
    return certificate
