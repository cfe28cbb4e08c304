"""Enrolment, progress, completion and the certificate, and every refusal with its code and nothing
written: enrolling twice, a lesson of a course one is not enrolled in, a lesson of another course, a
certificate before completion, a wrong verification code (the same answer as an unknown number),
hostile links and text."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from incubator.training import services
from incubator.training.certificate_pdf import certificate_pdf, verification_url
from incubator.training.models import Certificate, Enrolment, EnrolmentEvent, Lesson, LessonProgress
from incubator.training.policies import link_is_web_url, mask_name
from meidu.core.errors import DomainError
from tests.incubator.training.courses import make_course

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Enrolment.objects.count(),
        LessonProgress.objects.count(),
        EnrolmentEvent.objects.count(),
        Certificate.objects.count(),
        Lesson.objects.count(),
    )


def refused(call, code: str):
    before = _counts()
    with pytest.raises(DomainError) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert _counts() == before  # nothing written
    return caught.value


def test_a_trainee_enrols_completes_every_lesson_and_gets_one_certificate(make_user):
    mentor, trainee = make_user(), make_user()
    trainee.last_name, trainee.first_name = "王", "秀兰"
    trainee.save()
    course = make_course(3, mentor=mentor)
    enrolment = services.course_enrol(trainee, course)
    assert enrolment.mentor == mentor and enrolment.completed_at is None
    lessons = list(course.lessons.order_by("position"))
    for lesson in lessons[:2]:
        assert services.lesson_complete(trainee, lesson).completed_at is None
    services.lesson_complete(trainee, lessons[0])  # again: no second row, no event
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 2
    with pytest.raises(DomainError) as early:
        services.certificate_for_download(trainee, course)
    assert early.value.code == "not_completed"
    done = services.lesson_complete(trainee, lessons[2])
    assert done.completed_at is not None
    certificate = services.certificate_for_download(trainee, course)
    assert certificate.holder_name == "王秀兰" and certificate.course_title == course.title
    assert len(certificate.code) == services.CODE_LENGTH and certificate.number.startswith("PX")
    actions = list(EnrolmentEvent.objects.filter(enrolment=enrolment).values_list("action", flat=True))
    assert actions == ["enrolled", "lesson_completed", "lesson_completed", "lesson_completed", "completed"]
    services.lesson_complete(trainee, lessons[2])
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


def test_mentors_are_shared_out_by_load(make_user):
    first, second = make_user(), make_user()
    course = make_course(1, mentor=first)
    services.course_mentor_add(course, second)
    mentors = [services.course_enrol(make_user(), course).mentor for _n in range(4)]
    assert sorted(m.pk for m in mentors) == sorted([first.pk, first.pk, second.pk, second.pk])


def test_enrolling_twice_is_refused(make_user):
    trainee = make_user()
    course = make_course(1)
    services.course_enrol(trainee, course)
    refused(lambda: services.course_enrol(trainee, course), "already_enrolled")


def test_an_unpublished_course_takes_nobody(make_user):
    trainee, course = make_user(), make_course(1, published=False)
    refused(lambda: services.course_enrol(trainee, course), "not_found")


def test_a_lesson_of_a_course_one_is_not_enrolled_in_is_refused(make_user):
    trainee = make_user()
    mine, other = make_course(2), make_course(2)
    services.course_enrol(trainee, mine)
    refused(lambda: services.lesson_complete(trainee, other.lessons.first()), "not_enrolled")


def test_a_lesson_of_another_course_is_refused(make_user):
    trainee = make_user()
    mine, other = make_course(2), make_course(2)
    services.course_enrol(trainee, mine)
    services.course_enrol(trainee, other)
    refused(
        lambda: services.lesson_complete_in_course(trainee, mine, other.lessons.first()), "lesson_of_another_course"
    )


def test_a_certificate_of_an_incomplete_or_foreign_course_is_refused(make_user):
    trainee = make_user()
    course = make_course(2)
    refused(lambda: services.certificate_for_download(trainee, course), "not_enrolled")
    services.course_enrol(trainee, course)
    services.lesson_complete(trainee, course.lessons.first())
    refused(lambda: services.certificate_for_download(trainee, course), "not_completed")


def _certificate(make_user) -> Certificate:
    trainee = make_user()
    course = make_course(1)
    services.course_enrol(trainee, course)
    services.lesson_complete(trainee, course.lessons.get())
    return Certificate.objects.get(enrolment__user=trainee)


def test_verification_needs_number_and_code_and_gives_no_oracle(make_user):
    cache.clear()
    certificate = _certificate(make_user)
    found = services.certificate_verify(certificate.number, certificate.code.lower(), address="10.0.0.1")
    assert found == certificate
    wrong_code = refused(
        lambda: services.certificate_verify(certificate.number, "AAAAAAAA", address="10.0.0.2"), "certificate_not_found"
    )
    unknown = refused(
        lambda: services.certificate_verify("PX20269999999", certificate.code, address="10.0.0.2"),
        "certificate_not_found",
    )
    assert wrong_code.message == unknown.message and wrong_code.field == unknown.field
    for hostile in ["", "\x00", "A" * 5000, None, 12, "PX' OR 1=1 --", "‮PX"]:
        refused(lambda h=hostile: services.certificate_verify(h, h, address="10.0.0.3"), "certificate_not_found")


def test_failed_lookups_are_throttled_per_address(make_user, settings):
    cache.clear()
    certificate = _certificate(make_user)
    for _n in range(services.VERIFY_FAILURES_MAX):
        refused(
            lambda: services.certificate_verify(certificate.number, "WRONG123", address="10.9.9.9"),
            "certificate_not_found",
        )
    # now even the right code is refused from that address: guessing cannot go on
    refused(lambda: services.certificate_verify(certificate.number, certificate.code, address="10.9.9.9"), "throttled")
    assert services.certificate_verify(certificate.number, certificate.code, address="10.9.9.8") == certificate


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.com/v.mp4",
        "data:text/html,hi",
        "//example.com/v",
        "https://",
        "https://exa mple.com/v",
        "https://example.com/\x00",
        "https://example.com/" + "a" * 600,
        "http://example.com/\u202e",
    ],
)
def test_lesson_links_must_be_http_urls(url):
    course = make_course(0)
    refused(lambda: services.lesson_add(course, title="视频课", video_url=url), "invalid_url")
    refused(lambda: services.lesson_add(course, title="图片课", image_url=url), "invalid_url")


@pytest.mark.parametrize(
    ("title", "body", "code"),
    [("", "", "required"), ("a\x00b", "", "invalid"), ("x" * 121, "", "invalid"), ("课", "\x07", "invalid")],
)
def test_hostile_lesson_text_is_refused(title, body, code):
    course = make_course(0)
    refused(lambda: services.lesson_add(course, title=title, body=body), code)


def test_links_and_masks():
    assert link_is_web_url("https://www.bilibili.com/video/BV1xx")
    assert link_is_web_url("http://example.com")
    assert not link_is_web_url("HTTPS:/example.com")
    assert mask_name("王秀兰") == "王*兰"
    assert mask_name("王丽") == "王*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("Li Wang") == "L* W***"


def test_the_certificate_pdf_carries_the_qr_to_the_verification_page(make_user, settings):
    settings.PUBLIC_URL = "https://meidu.example.cn"
    certificate = _certificate(make_user)
    url = verification_url(certificate)
    assert url == (
        f"https://meidu.example.cn/learn/certificates/verify/?number={certificate.number}&code={certificate.code}"
    )
    pdf = certificate_pdf(certificate)
    assert pdf.startswith(b"%PDF") and b"/Subtype /Image" in pdf and b"STSong-Light" in pdf
