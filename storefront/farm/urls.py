from django.urls import path, re_path

from storefront.farm.views import board, fairs, feeds, me, posts

app_name = "farm"

urlpatterns = [
    path("", board.board, name="board"),
    path("compare/", board.compare, name="compare"),
    path("report/", board.report, name="report"),
    path("items/<slug:code>/", board.item_trend_page, name="item"),
    path("alerts/", me.alerts, name="alerts"),
    path("alerts/<int:pk>/remove/", me.alert_remove, name="alert_remove"),
    path("notices/", me.notices, name="notices"),
    path("posts/", posts.post_list, name="posts"),
    path("posts/new/", posts.post_new, name="post_new"),
    path("posts/mine/", posts.mine, name="mine"),
    path("posts/<int:pk>/", posts.post_detail, name="post"),
    path("posts/<int:pk>/close/", posts.post_close_view, name="post_close"),
    path("posts/<int:pk>/contact/", posts.contact_request_new, name="contact_request"),
    path("requests/<int:pk>/answer/", posts.contact_request_answer, name="contact_answer"),
    path("fairs/", fairs.fairs, name="fairs"),
    path("fairs/<int:pk>/", fairs.fair_page, name="fair"),
    path("fairs/<int:pk>/results/", fairs.fair_results, name="fair_results"),
    path("fairs/<int:pk>/apply/", fairs.stall_apply_page, name="stall_apply"),
    path("stalls/<int:pk>/decide/", fairs.stall_decide_page, name="stall_decide"),
    re_path(r"^feeds/board\.(?P<fmt>rss|atom|json)$", feeds.board_feed, name="feed_board"),
    re_path(r"^feeds/items/(?P<code>[-\w]+)\.(?P<fmt>rss|atom|json)$", feeds.item_feed, name="feed_item"),
    re_path(r"^feeds/posts\.(?P<fmt>rss|atom|json)$", feeds.posts_feed, name="feed_posts"),
]
