from celery import shared_task

from incubator.posts.services import posts_expire_due


@shared_task
def farm_posts_expire_due() -> int:
    """Beat: open posts whose window ended are marked expired (they already read as expired)."""
    return posts_expire_due()
