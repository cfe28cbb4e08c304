from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FarmPostsConfig(AppConfig):
    name = "incubator.posts"
    label = "farm_posts"
    verbose_name = _("Supply and demand posts")
