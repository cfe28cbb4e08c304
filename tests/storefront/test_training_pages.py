"""The training pages on a phone's worth of HTML, in Chinese (default) and English: the course list,
enrolling, a lesson marked done, the certificate PDF, the public verification page (no oracle), the
call to open a shop after completion, and the staff console behind MANAGE_TRAINING."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from incubator.training.models import Certificate, Enrolment, LessonProgress
from meidu.accounts.roles import Role
from tests.incubator.training.courses import make_course

pytestmark = pytest.mark.django_db


def web(user=None, language="zh-hans") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def test_a_trainee_enrols_completes_downloads_and_verifies(make_user):
    trainee = make_user()
    trainee.last_name, trainee.first_name = "张", "小明"
    trainee.save()
    course = make_course(2)
    client = web(trainee)
    listing = client.get("/learn/").content.decode()
    assert "电商课程" in listing and course.title in listing
    page = client.get(f"/learn/{course.slug}/").content.decode()
    assert "报名参加本课程" in page
    response = client.post(f"/learn/{course.slug}/enrol/", follow=True)
    assert "已报名" in response.content.decode()
    again = client.post(f"/learn/{course.slug}/enrol/", follow=True).content.decode()
    assert "你已报名本课程" in again and Enrolment.objects.filter(user=trainee).count() == 1
    early = client.get(f"/learn/{course.slug}/certificate.pdf", follow=True)
    assert "完成本课程全部课时" in early.content.decode()
    lesson = client.get(f"/learn/{course.slug}/lessons/1/").content.decode()
    assert "标记本课时已完成" in lesson and 'href="https://video.example.com/v/1"' in lesson
    # a picture from an origin the Content-Security-Policy does not allow is a link, not a broken image
    assert '<img class="lesson-image"' not in lesson and "查看图片" in lesson
    client.post(f"/learn/{course.slug}/lessons/1/complete/")
    done = client.post(f"/learn/{course.slug}/lessons/2/complete/", follow=True).content.decode()
    assert "开设你的店铺" in done and 'href="/seller/open/"' in done
    pdf = client.get(f"/learn/{course.slug}/certificate.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    certificate = Certificate.objects.get(enrolment__user=trainee)
    public = web(language="en").get(
        "/learn/certificates/verify/", {"number": certificate.number, "code": certificate.code}
    )
    body = public.content.decode()
    assert public.status_code == 200 and "This certificate is genuine" in body and "张*明" in body
    assert "张小明" not in body
    mine = client.get("/learn/mine/").content.decode()
    assert "我的学习" in mine and course.title in mine


def test_wrong_code_and_unknown_number_read_the_same(make_user):
    trainee = make_user()
    course = make_course(1)
    client = web(trainee)
    client.post(f"/learn/{course.slug}/enrol/")
    client.post(f"/learn/{course.slug}/lessons/1/complete/")
    certificate = Certificate.objects.get()
    anonymous = web(language="en")
    wrong = anonymous.get("/learn/certificates/verify/", {"number": certificate.number, "code": "AAAA2222"})
    unknown = anonymous.get("/learn/certificates/verify/", {"number": "PX20260099999", "code": certificate.code})
    assert wrong.status_code == unknown.status_code == 404
    assert 'data-code="certificate_not_found"' in wrong.content.decode()

    def page(response, number, code):
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
        return text.replace(number, "N").replace(code, "C")

    assert page(wrong, certificate.number, "AAAA2222") == page(unknown, "PX20260099999", certificate.code)


def test_lessons_of_a_course_not_enrolled_in_are_refused_and_nothing_is_written(make_user):
    trainee = make_user()
    course = make_course(2)
    client = web(trainee, "en")
    page = client.get(f"/learn/{course.slug}/lessons/1/", follow=True).content.decode()
    assert "Enrol in the course before completing its lessons." in page
    refused = client.post(f"/learn/{course.slug}/lessons/1/complete/", follow=True).content.decode()
    assert "Enrol in the course before completing its lessons." in refused
    assert client.post(f"/learn/{course.slug}/lessons/99/complete/").status_code == 404
    assert not LessonProgress.objects.exists() and not Enrolment.objects.exists()


def test_the_console_is_for_incubator_staff(make_user):
    course = make_course(1)
    trainee = make_user()
    web(trainee).post(f"/learn/{course.slug}/enrol/")
    assert web(make_user(Role.BUYER)).get("/incubator/").status_code == 403
    staff = web(make_user(Role.OPERATOR)).get("/incubator/")
    body = staff.content.decode()
    assert staff.status_code == 200 and "培训漏斗" in body and course.title in body and "供货商与分销商" in body
    english = web(make_user(Role.OPERATOR), "en").get("/incubator/").content.decode()
    assert "Training funnel" in english


def test_hostile_page_input_is_refused_and_writes_nothing(make_user):
    course = make_course(1)
    client = web(make_user(), "en")
    for params in ({"number": "PX\x00", "code": "A"}, {"number": "PX", "code": "A" * 100_000}):
        response = client.get("/learn/certificates/verify/", params)
        assert response.status_code == 400
    assert client.post(f"/learn/{course.slug}/enrol/", {"x": "\x00"}).status_code == 400
    assert client.get("/learn/no-such-course/").status_code == 404
    assert not Enrolment.objects.exists()


def test_a_picture_from_an_allowed_origin_is_shown(make_user, settings):
    settings.CSP_IMG_SRC = ["https://example.com"]
    trainee = make_user()
    course = make_course(1)
    client = web(trainee)
    client.post(f"/learn/{course.slug}/enrol/")
    page = client.get(f"/learn/{course.slug}/lessons/1/").content.decode()
    assert '<img class="lesson-image" src="https://example.com/lesson.jpg"' in page
