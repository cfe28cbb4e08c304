"""Courses of the incubator and the trainees' progress through them.

An enrolment has two states, enrolled and completed (``completed_at``); it completes in the
transaction that marks its last lesson done, which also issues the certificate. Every step is an
EnrolmentEvent row (who, when). Lessons link to videos (no video hosting) and images by URL.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    summary = models.TextField(blank=True)
    is_published = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["position", "id"]
        permissions = [("manage_training", "Run the incubator's courses and see its console")]

    def __str__(self):
        return self.title


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    body = models.TextField(blank=True)
    image_url = models.URLField(max_length=500, blank=True)
    video_url = models.URLField(max_length=500, blank=True, help_text="A link to the video; we host none.")

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course", "position"]
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="lesson_position_in_course")]

    def __str__(self):
        return self.title


class CourseMentor(models.Model):
    """A mentor of a course: trainees who enrol are assigned one of its mentors."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="mentors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentored_courses")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course mentor")
        verbose_name_plural = _("course mentors")
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="mentor_once_per_course")]


class Enrolment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrolments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="mentees"
    )
    enrolled_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-enrolled_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrolment_once_per_course"),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True) | Q(completed_at__gte=models.F("enrolled_at")),
                name="enrolment_completed_after_enrolled",
            ),
        ]
        indexes = [models.Index(fields=["course", "enrolled_at"], name="enrolment_course_month")]


class LessonProgress(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_done_once")]


class EnrolmentAction(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    LESSON_COMPLETED = "lesson_completed", _("Lesson completed")
    COMPLETED = "completed", _("Course completed")


class EnrolmentEvent(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=24, choices=EnrolmentAction.choices)
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("enrolment event")
        verbose_name_plural = _("enrolment events")
        ordering = ["created_at", "id"]


class Certificate(models.Model):
    """Issued once, when the enrolment completes. ``code`` is printed beside the QR: the public
    verification page answers only to number and code together."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(max_length=20, unique=True)
    code = models.CharField(max_length=12)
    holder_name = models.CharField(max_length=150, help_text="The name printed, as it was at issue.")
    course_title = models.CharField(max_length=120)
    issued_at = models.DateTimeField()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.number
