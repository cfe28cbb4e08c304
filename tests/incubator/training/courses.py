"""Test helpers for training: a published course with lessons (through the services)."""

from __future__ import annotations

from itertools import count

from incubator.training.services import course_create, course_mentor_add, lesson_add

_serial = count(1)


def make_course(lessons: int = 3, *, title: str = "电商入门", mentor=None, published: bool = True):
    n = next(_serial)
    course = course_create(slug=f"course-{n}", title=f"{title}{n}", summary="从零开始学开网店", position=n)
    for position in range(1, lessons + 1):
        lesson_add(
            course,
            title=f"第{position}课",
            body="拍好商品照片，写清产地和规格。",
            image_url="https://example.com/lesson.jpg" if position == 1 else "",
            video_url="https://video.example.com/v/1" if position == 1 else "",
        )
    if mentor is not None:
        course_mentor_add(course, mentor)
    if not published:
        course.is_published = False
        course.save(update_fields=["is_published"])
    return course
