"""Demo training: three courses (电商入门, 直播带货, 农产品包装与品牌) with lessons and mentors, and
trainees at every stage of the funnel, enrolled over the last three months.

Written in bulk (a handful of INSERTs) so the demo's first start stays quick. The stages past
completion are the marketplace's own facts: the demo shop owners whose shops opened, sold and were
paid out (marketplace.settlement.selectors.seller_milestones_for_users) are enrolled as trainees who
completed a course before their shop opened; whatever the marketplace demo holds (payouts once the
weekly batches of the demo are paid) fills the later stages. Idempotent: a second run writes nothing.
"""

from __future__ import annotations

import random
import secrets
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

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
from incubator.training.services import CODE_ALPHABET, CODE_LENGTH
from marketplace.settlement.selectors import seller_milestones_for_users
from meidu.accounts.models import User

VIDEO = "https://www.bilibili.com/video/"
COURSES = [
    (
        "dianshang-rumen",
        "电商入门",
        "从注册网店到第一笔订单：拍照、写标题、定价、发货与售后，一步一步学会在网上卖自家的农产品。",
        [
            (
                "认识网店：美都集市上的买家与卖家",
                "网店就是你在网上的摊位。买家从手机上看到你的商品、下单付款，你负责发货。",
            ),
            ("用手机拍出好看的商品照片", "自然光、干净背景、多拍细节：南果梨要拍出果皮的红晕，玉米要拍出颗粒饱满。"),
            ("写清楚标题、规格和产地", "标题写品种、产地和规格，如“大石桥南果梨 5斤装 当季现摘”。"),
            ("定价、运费与包邮", "算清成本：进货、包装、快递和平台佣金，再定零售价。"),
            ("接单、发货与售后", "按时确认订单、打包称重、填写物流单号；遇到投诉及时回复。"),
        ],
    ),
    (
        "zhibo-daihuo",
        "直播带货",
        "在田间地头开直播：设备、话术、互动与合规，把农产品讲清楚、卖出去。",
        [
            ("直播前的准备：设备与场地", "一部手机、一个支架、一个补光灯就能开播；场地要安静、光线充足。"),
            ("讲好产品故事", "讲产地、讲种植、讲采摘：让观众相信你的货。"),
            ("直播间互动与下单引导", "回答问题、展示细节、提醒下单链接。"),
            ("直播合规：不夸大、不虚假宣传", "遵守广告法：不说“最好”“第一”，不承诺功效。"),
        ],
    ),
    (
        "nongchanpin-pinpai",
        "农产品包装与品牌",
        "给好东西一个好包装：分级、包装设计、品牌故事和地理标志产品的使用规范。",
        [
            ("分级与标准化", "按大小、外观分级，同一包装里的果子要一致。"),
            ("包装设计与防损", "泡沫网套、瓦楞纸箱、冷链：运输途中少磕碰。"),
            ("讲好品牌故事", "一个名字、一句口号、一张产地照片，让买家记住你。"),
        ],
    ),
]
FAMILY = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ["秀兰", "建国", "小红", "志强", "丽娜", "海燕", "春生", "桂芳", "明", "磊", "婷婷", "浩然", "欣怡", "子涵"]
NEW_TRAINEES = 60  # young villagers without a shop (enrolled, in progress, or completed)
MENTOR_PHONES = ["+8613800000002", "+8613800000004"]  # the demo seller and supplier mentor the courses


def _code() -> str:
    """A real random code even in the demo (the seed of ``rng`` is public)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))


def _trainees(now) -> list[User]:
    """Bulk-created villagers (no password: they are the funnel's data, not logins)."""
    unusable = make_password(None)
    rows = [
        User(
            phone=f"+861370000{n:04d}",
            last_name=FAMILY[n % len(FAMILY)],
            first_name=GIVEN[n % len(GIVEN)],
            password=unusable,
            date_joined=now - timedelta(days=95),
        )
        for n in range(NEW_TRAINEES)
    ]
    User.objects.bulk_create(rows, ignore_conflicts=True)
    return list(User.objects.filter(phone__in=[row.phone for row in rows]).order_by("phone"))


def seed_training() -> int:
    """The three courses and their trainees; returns the number of enrolments written."""
    if Course.objects.filter(slug=COURSES[0][0]).exists():
        return 0
    rng = random.Random(16)
    now = timezone.now()
    with transaction.atomic():
        courses = Course.objects.bulk_create(
            [
                Course(slug=slug, title=title, summary=summary, position=n)
                for n, (slug, title, summary, _l) in enumerate(COURSES)
            ]
        )
        lessons = Lesson.objects.bulk_create(
            [
                Lesson(
                    course=course,
                    position=position,
                    title=title,
                    body=body,
                    video_url=f"{VIDEO}BV1md{course.pk:02d}{position:02d}" if position % 2 else "",
                )
                for course, (_s, _t, _m, plan) in zip(courses, COURSES, strict=True)
                for position, (title, body) in enumerate(plan, start=1)
            ]
        )
        by_course: dict[int, list[Lesson]] = {}
        for lesson in lessons:
            by_course.setdefault(lesson.course_id, []).append(lesson)
        mentors = list(User.objects.filter(phone__in=MENTOR_PHONES))
        CourseMentor.objects.bulk_create([CourseMentor(course=c, user=m) for c in courses for m in mentors])

        plan: list[tuple[User, Course, object, object | None, int]] = []  # user, course, enrolled, completed, done
        for n, user in enumerate(_trainees(now)):
            course = courses[n % len(courses)]
            enrolled = now - timedelta(days=rng.randint(1, 85), hours=rng.randint(0, 23))
            total = len(by_course[course.pk])
            done = total if n % 3 == 0 else rng.randint(0, total - 1)
            completed = enrolled + timedelta(days=rng.randint(1, 14)) if done == total else None
            if completed is not None and completed > now:
                completed = now
            plan.append((user, course, enrolled, completed, done))
        # shop owners of the marketplace demo: trained before their shop opened, sold, were paid out
        milestones = seller_milestones_for_users(User.objects.exclude(phone__startswith="+861370000").values("pk"))
        owners = sorted(
            milestones.items(),
            key=lambda item: (item[1]["first_payout"] is None, item[1]["first_sale"] is None, item[0]),
        )
        owner_users = {u.pk: u for u in User.objects.filter(pk__in=[pk for pk, _m in owners])}
        for n, (user_id, stages) in enumerate(owners[:12]):
            opened = stages["shop_opened"]
            if opened is None:
                continue
            course = courses[n % len(courses)]
            enrolled = opened - timedelta(days=30 + n)
            plan.append(
                (owner_users[user_id], course, enrolled, enrolled + timedelta(days=7), len(by_course[course.pk]))
            )

        enrolments = Enrolment.objects.bulk_create(
            [
                Enrolment(
                    user=user,
                    course=course,
                    mentor=mentors[n % len(mentors)] if mentors else None,
                    enrolled_at=enrolled,
                    completed_at=completed,
                )
                for n, (user, course, enrolled, completed, _d) in enumerate(plan)
            ]
        )
        progress, events, certificates = [], [], []
        for enrolment, (user, course, enrolled, completed, done) in zip(enrolments, plan, strict=True):
            events.append(
                EnrolmentEvent(enrolment=enrolment, action=EnrolmentAction.ENROLLED, actor=user, created_at=enrolled)
            )
            for k, lesson in enumerate(by_course[course.pk][:done], start=1):
                at = enrolled + (((completed or now) - enrolled) * k / (done + 1))
                progress.append(LessonProgress(enrolment=enrolment, lesson=lesson, completed_at=at))
                events.append(
                    EnrolmentEvent(
                        enrolment=enrolment,
                        action=EnrolmentAction.LESSON_COMPLETED,
                        lesson=lesson,
                        actor=user,
                        created_at=at,
                    )
                )
            if completed is not None:
                events.append(
                    EnrolmentEvent(
                        enrolment=enrolment, action=EnrolmentAction.COMPLETED, actor=user, created_at=completed
                    )
                )
                certificates.append(
                    Certificate(
                        enrolment=enrolment,
                        number=f"PX{completed:%Y}{enrolment.pk:07d}",
                        code=_code(),
                        holder_name=f"{user.last_name}{user.first_name}".strip() or user.masked_phone,
                        course_title=course.title,
                        issued_at=completed,
                    )
                )
        LessonProgress.objects.bulk_create(progress)
        EnrolmentEvent.objects.bulk_create(events)
        Certificate.objects.bulk_create(certificates)
    return len(enrolments)


TRAINING_DEMO_STEPS = [("e-commerce courses and trainees", seed_training)]
