"""Operator screens for training: courses with their lessons and mentors (a lesson's links must be
http(s), checked by the same policy as the API); enrolments and certificates are read-only here."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from incubator.training.models import Certificate, Course, CourseMentor, Enrolment, Lesson
from incubator.training.policies import link_is_web_url


class LessonForm(forms.ModelForm):
    image_url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    video_url = forms.URLField(max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Lesson
        fields = ["position", "title", "body", "image_url", "video_url"]

    def clean(self):
        data = super().clean()
        for name in ("image_url", "video_url"):
            value = data.get(name) or ""
            if value and not link_is_web_url(value):
                self.add_error(name, _("Enter a web address starting with http:// or https://."))
        return data


class LessonInline(admin.StackedInline):
    model = Lesson
    form = LessonForm
    extra = 0


class MentorInline(admin.TabularInline):
    model = CourseMentor
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_published", "position"]
    inlines = [LessonInline, MentorInline]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "mentor", "enrolled_at", "completed_at"]
    list_filter = ["course"]
    raw_id_fields = ["user", "mentor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "holder_name", "course_title", "issued_at"]
    search_fields = ["number"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
