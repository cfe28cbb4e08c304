"""Two taps on the last lesson at once complete the course once and issue one certificate (the
enrolment row lock of lesson_complete), and two enrolments at once make one."""

import pytest

from incubator.training import services
from incubator.training.models import Certificate, Enrolment, EnrolmentEvent
from tests.incubator.training.courses import make_course
from tests.support.races import one_winner, race

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_last_lesson_twice_at_once_completes_once(make_user):
    for _round in range(4):
        trainee = make_user()
        course = make_course(2)
        services.course_enrol(trainee, course)
        first, last = list(course.lessons.order_by("position"))
        services.lesson_complete(trainee, first)
        # two devices tap the last lesson at the same moment
        tap = lambda user=trainee, lesson=last: services.lesson_complete(user, lesson)  # noqa: E731
        race(tap, tap)
        enrolment = Enrolment.objects.get(user=trainee, course=course)
        assert enrolment.completed_at is not None
        assert Certificate.objects.filter(enrolment=enrolment).count() == 1
        assert EnrolmentEvent.objects.filter(enrolment=enrolment, action="completed").count() == 1


def test_two_enrolments_at_once_make_one(make_user):
    for _round in range(4):
        trainee = make_user()
        course = make_course(1)
        enrol = lambda user=trainee, where=course: services.course_enrol(user, where)  # noqa: E731
        outcomes = race(enrol, enrol)
        one_winner(outcomes, "already_enrolled")
        assert Enrolment.objects.filter(user=trainee, course=course).count() == 1
