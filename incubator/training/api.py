"""GraphQL of training: the published courses (public), a trainee's enrolments, enrolling and marking
a lesson done, verifying a certificate by number and code (public, masked, no oracle), and the
staff's funnel (MANAGE_TRAINING). Refusals are ``errors`` with a TrainingErrorCode."""

from __future__ import annotations

import graphene
from django.urls import reverse

from incubator.training import services
from incubator.training.certificate_pdf import verification_url
from incubator.training.error_codes import TrainingErrorCode
from incubator.training.models import Certificate, Course, Enrolment, Lesson
from incubator.training.policies import mask_name
from incubator.training.selectors import (
    FUNNEL_STAGES,
    course_get,
    course_list,
    enrolment_list_for_user,
    training_funnel,
)
from meidu.core.errors import DomainError
from meidu.core.graphql.connection import CountableConnection, SortKey, paginate
from meidu.core.graphql.ids import from_global_id_or_error, get_node_or_error
from meidu.core.graphql.mutations import BaseMutation, error_type, ip_address
from meidu.core.graphql.permissions import check_permissions, require_user
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import IncubatorPermissions

TrainingError = error_type("TrainingError", TrainingErrorCode)


class LessonType(ModelObjectType):
    class Meta:
        model = Lesson
        name = "Lesson"
        fields = ["id", "position", "title", "body", "image_url", "video_url"]


class CourseType(ModelObjectType):
    lessons = graphene.List(graphene.NonNull(LessonType), required=True)
    lesson_count = graphene.Int(required=True)

    class Meta:
        model = Course
        name = "Course"
        fields = ["id", "slug", "title", "summary"]

    @staticmethod
    def resolve_lessons(root, info):
        return list(root.lessons.all())

    @staticmethod
    def resolve_lesson_count(root, info):
        count = getattr(root, "lesson_count", None)
        return count if count is not None else len(root.lessons.all())


class CourseCountableConnection(CountableConnection):
    class Meta:
        node = CourseType


class CertificateType(graphene.ObjectType):
    """The holder's own certificate: number, code and where to print and verify it."""

    number = graphene.String(required=True)
    code = graphene.String(required=True)
    holder_name = graphene.String(required=True)
    course_title = graphene.String(required=True)
    issued_at = graphene.DateTime(required=True)
    pdf_url = graphene.String(required=True)
    verification_url = graphene.String(required=True)

    class Meta:
        name = "TrainingCertificate"

    @staticmethod
    def resolve_pdf_url(root: Certificate, info):
        return reverse("learn:certificate_pdf", args=[root.enrolment.course.slug])

    @staticmethod
    def resolve_verification_url(root: Certificate, info):
        return verification_url(root)


class EnrolmentType(ModelObjectType):
    course = graphene.Field(CourseType, required=True)
    mentor_name = graphene.String()
    lessons_done = graphene.Int(required=True)
    lesson_count = graphene.Int(required=True)
    certificate = graphene.Field(CertificateType)

    class Meta:
        model = Enrolment
        name = "Enrolment"
        fields = ["id", "enrolled_at", "completed_at"]

    @staticmethod
    def resolve_mentor_name(root, info):
        return root.mentor.display_name if root.mentor_id else None

    @staticmethod
    def resolve_lessons_done(root, info):
        done = getattr(root, "lessons_done", None)
        return done if done is not None else root.progress.count()

    @staticmethod
    def resolve_lesson_count(root, info):
        count = getattr(root, "lesson_count", None)
        return count if count is not None else root.course.lessons.count()

    @staticmethod
    def resolve_certificate(root, info):
        return getattr(root, "certificate", None) if root.completed_at else None


class VerifiedCertificate(graphene.ObjectType):
    """What the public verification shows: the holder's name masked."""

    number = graphene.String(required=True)
    holder_name = graphene.String(required=True, description="Masked: 王*兰.")
    course_title = graphene.String(required=True)
    issued_at = graphene.DateTime(required=True)

    class Meta:
        name = "VerifiedCertificate"


class CertificateVerification(graphene.ObjectType):
    certificate = graphene.Field(VerifiedCertificate)
    errors = graphene.List(graphene.NonNull(TrainingError), required=True)

    class Meta:
        name = "CertificateVerification"


class TrainingFunnelRow(graphene.ObjectType):
    course_id = graphene.ID(required=True)
    course_title = graphene.String(required=True)
    month = graphene.String(description="YYYY-MM of enrolment; null on a course's total.")
    enrolled = graphene.Int(required=True)
    completed = graphene.Int(required=True)
    shop_opened = graphene.Int(required=True)
    first_sale = graphene.Int(required=True)
    first_payout = graphene.Int(required=True)

    class Meta:
        name = "TrainingFunnelRow"

    @classmethod
    def of(cls, row) -> TrainingFunnelRow:
        return cls(
            course_id=graphene.Node.to_global_id("Course", row.course_id),
            course_title=row.course_title,
            month=row.month,
            **{stage: row.counts[stage] for stage in FUNNEL_STAGES},
        )


class TrainingFunnel(graphene.ObjectType):
    by_month = graphene.List(graphene.NonNull(TrainingFunnelRow), required=True)
    totals = graphene.List(graphene.NonNull(TrainingFunnelRow), required=True)

    class Meta:
        name = "TrainingFunnel"


def _course_pk(course_id: str | None) -> int | None:
    if not course_id:
        return None
    try:
        return int(from_global_id_or_error(course_id, "Course", "course"))
    except (DomainError, ValueError):
        return -1  # matches nothing


class TrainingQueries(graphene.ObjectType):
    courses = graphene.Field(
        CourseCountableConnection,
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="The published courses of the incubator, in their order.",
    )
    course = graphene.Field(CourseType, slug=graphene.String(), id=graphene.ID(), description="One published course.")
    my_enrolments = graphene.List(
        graphene.NonNull(EnrolmentType), required=True, description="The signed-in trainee's enrolments."
    )
    certificate_verify = graphene.Field(
        CertificateVerification,
        number=graphene.String(required=True),
        code=graphene.String(required=True),
        required=True,
        description="Anyone: a certificate by its number and code (an unknown number and a wrong code read the same).",
    )
    training_funnel = graphene.Field(
        TrainingFunnel,
        course=graphene.ID(),
        required=True,
        description="Staff: enrolled → completed → shop opened → first sale → first payout, per course and month.",
    )

    @staticmethod
    def resolve_courses(root, info, **kwargs):
        qs = course_list().prefetch_related("lessons")
        return paginate(qs, info, CourseCountableConnection, sort=[SortKey("position")], **kwargs)

    @staticmethod
    def resolve_course(root, info, slug=None, id=None):
        if id:
            pk = _course_pk(id)
            return course_get(pk) if pk and pk > 0 else None
        return course_get(slug) if slug else None

    @staticmethod
    def resolve_my_enrolments(root, info):
        user = info.context.user
        if getattr(info.context, "app", None) or not getattr(user, "is_authenticated", False):
            return []
        return list(enrolment_list_for_user(user).prefetch_related("course__lessons"))

    @staticmethod
    def resolve_certificate_verify(root, info, number, code):
        user = info.context.user
        try:
            found = services.certificate_verify(
                number,
                code,
                address=ip_address(info),
                user_id=user.pk if getattr(user, "is_authenticated", False) else None,
            )
        except DomainError as exc:
            return CertificateVerification(
                certificate=None, errors=[TrainingError(field=exc.field, message=exc.message, code=exc.code)]
            )
        return CertificateVerification(
            certificate=VerifiedCertificate(
                number=found.number,
                holder_name=mask_name(found.holder_name),
                course_title=found.course_title,
                issued_at=found.issued_at,
            ),
            errors=[],
        )

    @staticmethod
    def resolve_training_funnel(root, info, course=None):
        check_permissions(info, [IncubatorPermissions.MANAGE_TRAINING])
        by_month, totals = training_funnel(course_id=_course_pk(course))
        return TrainingFunnel(
            by_month=[TrainingFunnelRow.of(row) for row in by_month],
            totals=[TrainingFunnelRow.of(row) for row in totals],
        )


class TrainingMutation(BaseMutation):
    default_error_code_enum = TrainingErrorCode
    default_error_type_name = "TrainingError"
    enrolment = graphene.Field(EnrolmentType)

    class Meta:
        abstract = True


class CourseEnrol(TrainingMutation):
    """The signed-in user enrols in a published course (once); a mentor is assigned."""

    class Arguments:
        course = graphene.ID(required=True)

    @classmethod
    def perform_mutation(cls, root, info, course):
        user = require_user(info)
        found = get_node_or_error(Course, course, "Course", "course")
        return cls(errors=[], enrolment=services.course_enrol(user, found))


class LessonComplete(TrainingMutation):
    """Mark a lesson done in a course the user is enrolled in; the last one completes the course and
    issues the certificate. With ``course``, the lesson must belong to it."""

    class Arguments:
        lesson = graphene.ID(required=True)
        course = graphene.ID()

    @classmethod
    def perform_mutation(cls, root, info, lesson, course=None):
        user = require_user(info)
        found = get_node_or_error(Lesson, lesson, "Lesson", "lesson")
        in_course = get_node_or_error(Course, course, "Course", "course") if course else None
        if in_course is not None:
            return cls(errors=[], enrolment=services.lesson_complete_in_course(user, in_course, found))
        return cls(errors=[], enrolment=services.lesson_complete(user, found))


class TrainingMutations(graphene.ObjectType):
    course_enrol = CourseEnrol.Field()
    lesson_complete = LessonComplete.Field()
