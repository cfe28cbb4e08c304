"""Reads of training: the course list and page, a trainee's enrolments with progress, a certificate,
and the staff's funnel (enrolled → completed → shop opened → first sale → first payout)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from incubator.training.models import Certificate, Course, Enrolment, Lesson, LessonProgress
from marketplace.settlement.selectors import seller_milestones_for_users

FUNNEL_STAGES = ("enrolled", "completed", "shop_opened", "first_sale", "first_payout")


def course_list(*, published_only: bool = True) -> QuerySet[Course]:
    qs = Course.objects.annotate(lesson_count=Count("lessons", distinct=True))
    return qs.filter(is_published=True) if published_only else qs


def course_get(slug_or_pk, *, published_only: bool = True) -> Course | None:
    qs = course_list(published_only=published_only).prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.order_by("position"))
    )
    if isinstance(slug_or_pk, int):
        return qs.filter(pk=slug_or_pk).first()
    return qs.filter(slug=slug_or_pk).first() if isinstance(slug_or_pk, str) else None


def lesson_get(course: Course, position: int) -> Lesson | None:
    return Lesson.objects.filter(course=course, position=position).first()


def enrolment_get(user, course_id: int) -> Enrolment | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Enrolment.objects.filter(user=user, course_id=course_id)
        .select_related("course", "mentor", "certificate")
        .prefetch_related("progress")
        .first()
    )


def enrolment_list_for_user(user) -> QuerySet[Enrolment]:
    """The trainee's enrolments with course, mentor, certificate, lesson count and lessons done
    (three queries whatever their number: enrolments, then progress)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Enrolment.objects.none()
    return (
        Enrolment.objects.filter(user=user)
        .select_related("course", "mentor", "certificate")
        .annotate(
            lesson_count=Count("course__lessons", distinct=True),
            lessons_done=Count("progress", distinct=True),
        )
        .order_by("-enrolled_at", "-id")
    )


def lessons_done_ids(enrolment: Enrolment | None) -> set[int]:
    if enrolment is None:
        return set()
    return set(LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", flat=True))


def certificate_get_for_user(user, course_id: int) -> Certificate | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return (
        Certificate.objects.filter(enrolment__user=user, enrolment__course_id=course_id)
        .select_related("enrolment__course")
        .first()
    )


def certificate_by_number(number: str) -> Certificate | None:
    return Certificate.objects.filter(number=number).select_related("enrolment__course").first()


# --- the funnel ------------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    """One course in one month of enrolment (or a course's total: month None)."""

    course_id: int
    course_title: str
    month: str | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FUNNEL_STAGES, 0))

    @property
    def stages(self) -> list[tuple[str, int]]:
        return [(stage, self.counts[stage]) for stage in FUNNEL_STAGES]


def _stage_reached(enrolled_at, completed_at, milestones: dict | None) -> int:
    """How many stages of the funnel a trainee reached, each only after the one before it: a shop
    counts once the course is completed and if it opened after the enrolment (a shop the trainee had
    before the course is not the course's doing), its first sale and payout after it opened."""
    reached = 1
    if completed_at is None:
        return reached
    reached = 2
    previous = enrolled_at
    for key in ("shop_opened", "first_sale", "first_payout"):
        at = (milestones or {}).get(key)
        if at is None or at < previous:
            return reached
        reached += 1
        previous = at
    return reached


def training_funnel(*, course_id: int | None = None) -> tuple[list[FunnelRow], list[FunnelRow]]:
    """(per course and month of enrolment, newest month first; per course in total). Two queries
    whatever the number of trainees: the enrolments, then the marketplace's milestones of their users
    (marketplace.settlement.selectors.seller_milestones_for_users)."""
    enrolments = Enrolment.objects.all()
    if course_id is not None:
        enrolments = enrolments.filter(course_id=course_id)
    rows = list(enrolments.values_list("user_id", "course_id", "course__title", "enrolled_at", "completed_at"))
    # the trainees as a subquery, not a list of ten thousand ids sent back to the server
    milestones = seller_milestones_for_users(enrolments.values("user_id")) if rows else {}
    monthly: dict[tuple[int, str], FunnelRow] = {}
    totals: dict[int, FunnelRow] = {}
    for user_id, course, title, enrolled_at, completed_at in rows:
        month = timezone.localtime(enrolled_at).strftime("%Y-%m")
        reached = _stage_reached(enrolled_at, completed_at, milestones.get(user_id))
        for row in (
            monthly.setdefault((course, month), FunnelRow(course, title, month)),
            totals.setdefault(course, FunnelRow(course, title, None)),
        ):
            for stage in FUNNEL_STAGES[:reached]:
                row.counts[stage] += 1
    by_month = sorted(monthly.values(), key=lambda r: (r.course_title, r.course_id))
    by_month.sort(key=lambda r: r.month or "", reverse=True)
    return by_month, sorted(totals.values(), key=lambda r: (r.course_title, r.course_id))


def enrolment_counts_by_course() -> dict[int, dict[str, int]]:
    """{course id: {"enrolled", "completed"}}: one query (the course list shows them)."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"enrolled": 0, "completed": 0})
    for row in Enrolment.objects.values("course_id").annotate(
        enrolled=Count("id"), completed=Count("id", filter=Q(completed_at__isnull=False))
    ):
        counts[row["course_id"]] = {"enrolled": row["enrolled"], "completed": row["completed"]}
    return counts
