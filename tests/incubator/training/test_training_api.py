"""The training API: public course reads in a fixed number of queries, enrolling and completing
lessons with TrainingErrorCode refusals, a trainee's own enrolments only, the public certificate
check (masked, no oracle) and the staff's funnel behind MANAGE_TRAINING."""

from __future__ import annotations

import graphene
import pytest

from incubator.training import services
from incubator.training.models import Enrolment, LessonProgress
from meidu.accounts.roles import Role
from tests.incubator.training.courses import make_course
from tests.support.graphql import GraphQLClient, token_for

pytestmark = pytest.mark.django_db

COURSES = """
query { courses(first: 20) { totalCount edges { node { id slug title lessonCount lessons { id title videoUrl } } } } }
"""
ENROL = """
mutation($course: ID!) { courseEnrol(course: $course) {
  enrolment { id lessonsDone lessonCount mentorName course { slug } }
  errors { field code message } } }
"""
COMPLETE = """
mutation($lesson: ID!, $course: ID) { lessonComplete(lesson: $lesson, course: $course) {
  enrolment { lessonsDone completedAt certificate { number code pdfUrl verificationUrl } }
  errors { field code message } } }
"""
MINE = "query { myEnrolments { course { slug } lessonsDone lessonCount completedAt certificate { number } } }"
VERIFY = """
query($number: String!, $code: String!) { certificateVerify(number: $number, code: $code) {
  certificate { number holderName courseTitle issuedAt } errors { field code message } } }
"""
FUNNEL = """
query($course: ID) { trainingFunnel(course: $course) {
  totals { courseTitle month enrolled completed shopOpened firstSale firstPayout }
  byMonth { courseTitle month enrolled completed } } }
"""


def gid(type_name, pk):
    return graphene.Node.to_global_id(type_name, pk)


def client_of(user):
    return GraphQLClient(token_for(user))


def test_courses_cost_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    for _n in range(2):
        make_course(3)
    with django_assert_max_num_queries(4):
        first = api_client.execute(COURSES)["courses"]
    for _n in range(6):
        make_course(5)
    with django_assert_max_num_queries(4):
        data = api_client.execute(COURSES)["courses"]
    assert data["totalCount"] == 8 and first["totalCount"] == 2
    assert [len(edge["node"]["lessons"]) for edge in data["edges"]] == [3, 3, 5, 5, 5, 5, 5, 5]
    unpublished = make_course(1, published=False)
    slugs = [edge["node"]["slug"] for edge in api_client.execute(COURSES)["courses"]["edges"]]
    assert unpublished.slug not in slugs


def test_enrol_complete_and_verify_through_the_api(make_user):
    trainee = make_user()
    trainee.last_name, trainee.first_name = "李", "小红"
    trainee.save()
    mentor = make_user()
    course = make_course(2, mentor=mentor)
    client = client_of(trainee)
    enrolled = client.execute(ENROL, {"course": gid("Course", course.pk)})["courseEnrol"]
    assert enrolled["errors"] == [] and enrolled["enrolment"]["lessonCount"] == 2
    assert enrolled["enrolment"]["mentorName"] == mentor.display_name
    twice = client.execute(ENROL, {"course": gid("Course", course.pk)})["courseEnrol"]
    assert twice["errors"][0]["code"] == "ALREADY_ENROLLED" and twice["enrolment"] is None
    lessons = list(course.lessons.order_by("position"))
    result = None
    for lesson in lessons:
        result = client.execute(COMPLETE, {"lesson": gid("Lesson", lesson.pk), "course": gid("Course", course.pk)})
        assert result["lessonComplete"]["errors"] == []
    certificate = result["lessonComplete"]["enrolment"]["certificate"]
    assert certificate["pdfUrl"] == f"/learn/{course.slug}/certificate.pdf"
    assert f"number={certificate['number']}" in certificate["verificationUrl"]
    assert f"code={certificate['code']}" in certificate["verificationUrl"]
    mine = client.execute(MINE)["myEnrolments"]
    assert mine == [
        {
            "course": {"slug": course.slug},
            "lessonsDone": 2,
            "lessonCount": 2,
            "completedAt": mine[0]["completedAt"],
            "certificate": {"number": certificate["number"]},
        }
    ]
    anonymous = GraphQLClient()
    verified = anonymous.execute(VERIFY, {"number": certificate["number"], "code": certificate["code"]})
    assert verified["certificateVerify"]["errors"] == []
    assert verified["certificateVerify"]["certificate"]["holderName"] == "李*红"
    wrong = anonymous.execute(VERIFY, {"number": certificate["number"], "code": "ZZZZZZZZ"})["certificateVerify"]
    unknown = anonymous.execute(VERIFY, {"number": "PX20260000000", "code": certificate["code"]})["certificateVerify"]
    assert (
        wrong
        == unknown
        == {
            "certificate": None,
            "errors": [{"field": "code", "code": "CERTIFICATE_NOT_FOUND", "message": wrong["errors"][0]["message"]}],
        }
    )


def test_trainees_see_and_touch_only_their_own_enrolments(make_user):
    """Proof for myEnrolments (own) and courseEnrol / lessonComplete (user): another trainee's progress
    is invisible, a lesson of a course one is not enrolled in or of another course is refused with
    its code and nothing is written; anonymous callers get nothing."""
    alice, bob = make_user(), make_user()
    course, other = make_course(2), make_course(1)
    services.course_enrol(alice, course)
    services.lesson_complete(alice, course.lessons.first())
    assert client_of(bob).execute(MINE)["myEnrolments"] == []
    assert GraphQLClient().execute(MINE)["myEnrolments"] == []
    before = (Enrolment.objects.count(), LessonProgress.objects.count())
    foreign = client_of(bob).execute(COMPLETE, {"lesson": gid("Lesson", course.lessons.last().pk)})
    assert foreign["lessonComplete"]["errors"][0]["code"] == "NOT_ENROLLED"
    services.course_enrol(alice, other)
    before = (Enrolment.objects.count(), LessonProgress.objects.count())
    crossed = client_of(alice).execute(
        COMPLETE, {"lesson": gid("Lesson", other.lessons.get().pk), "course": gid("Course", course.pk)}
    )
    assert crossed["lessonComplete"]["errors"][0]["code"] == "LESSON_OF_ANOTHER_COURSE"
    made_up = client_of(alice).execute(COMPLETE, {"lesson": gid("Lesson", 999999)})
    assert made_up["lessonComplete"]["errors"][0]["code"] == "NOT_FOUND"
    assert (Enrolment.objects.count(), LessonProgress.objects.count()) == before
    anonymous = GraphQLClient().post(ENROL, {"course": gid("Course", course.pk)}).json()
    assert anonymous["errors"] and anonymous["data"]["courseEnrol"] is None
    assert (Enrolment.objects.count(), LessonProgress.objects.count()) == before


@pytest.mark.parametrize(
    "bad",
    ["\x00", "x" * 10_000, "\u202eABC", "Q291cnNlOjE=\x07", "NaN", "1e30", "-1"],
)
def test_hostile_ids_and_codes_are_refused_with_a_code(make_user, bad):
    trainee = make_user()
    make_course(1)
    client = client_of(trainee)
    before = (Enrolment.objects.count(), LessonProgress.objects.count())
    for document, variables in [(ENROL, {"course": bad}), (COMPLETE, {"lesson": bad})]:
        response = client.post(document, variables).json()
        payload = (response.get("data") or {}).values()
        codes = [e["code"] for p in payload if p for e in p["errors"]] or [
            e.get("extensions", {}).get("code", "error") for e in response.get("errors", [])
        ]
        assert codes, response
    verify = GraphQLClient().post(VERIFY, {"number": bad, "code": bad}).json()
    if "data" in verify and verify["data"]:
        assert verify["data"]["certificateVerify"]["errors"][0]["code"] in ("CERTIFICATE_NOT_FOUND",)
    else:
        assert verify["errors"]
    assert (Enrolment.objects.count(), LessonProgress.objects.count()) == before


def test_the_funnel_is_for_staff_only(make_user):
    course = make_course(1)
    services.course_enrol(make_user(), course)
    refused = client_of(make_user(Role.BUYER)).post(FUNNEL).json()
    assert refused["data"] is None and "MANAGE_TRAINING" in refused["errors"][0]["message"]
    staff = client_of(make_user(Role.OPERATOR)).execute(FUNNEL, {"course": gid("Course", course.pk)})
    assert staff["trainingFunnel"]["totals"] == [
        {
            "courseTitle": course.title,
            "month": None,
            "enrolled": 1,
            "completed": 0,
            "shopOpened": 0,
            "firstSale": 0,
            "firstPayout": 0,
        }
    ]
