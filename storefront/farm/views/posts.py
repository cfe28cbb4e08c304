"""Supply and demand pages: the open posts (filter by side and item, aliases understood), a post
(contact name for signed-in users, phone masked until the poster accepts), posting (for yourself or,
as a village information officer, for a villager), and the requests to and from you."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from incubator.posts.policies import (
    post_contact_name,
    post_contact_phone,
    post_is_poster,
    post_may_post_for_villagers,
)
from incubator.posts.selectors import (
    contact_accepted_post_ids,
    contact_request_get,
    contact_request_of,
    contact_requests_incoming,
    contact_requests_outgoing,
    match_list_for_post,
    post_get,
    post_is_open,
    post_list_for_poster,
    post_list_open,
)
from incubator.posts.services import contact_request_create, contact_request_decide, post_close, post_create
from incubator.prices.selectors import item_resolve, produce_item_list
from logistics.geography.selectors import village_list
from meidu.core.errors import DomainError
from storefront.farm.forms import PostForm, form_field

PAGE = 50


def post_list(request):
    side = request.GET.get("side") if request.GET.get("side") in ("supply", "demand") else None
    query = (request.GET.get("item") or "")[:32]
    item = item_resolve(query) if query else None
    posts = [] if query and item is None else list(post_list_open(side=side, item_id=item.pk if item else None)[:PAGE])
    return render(
        request,
        "farm/posts.html",
        {"posts": posts, "side": side, "query": query, "item": item, "items": list(produce_item_list())},
    )


def post_detail(request, pk):
    post = post_get(pk)
    if post is None:
        raise Http404
    user = request.user
    accepted = contact_accepted_post_ids(user)
    is_poster = post_is_poster(user, post)
    return render(
        request,
        "farm/post.html",
        {
            "post": post,
            "is_open": post_is_open(post),
            "is_poster": is_poster,
            "contact_name": post_contact_name(user, post),
            "contact_phone": post_contact_phone(user, post, accepted),
            "my_request": contact_request_of(user, post),
            "matches": match_list_for_post(post) if is_poster else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request):
    for_villagers = post_may_post_for_villagers(request.user)
    villages = list(village_list().order_by("town__code", "code"))
    form = PostForm(request.POST or None, villages=villages, for_villagers=for_villagers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = item_resolve(data["item"])
        if item is None:
            form.add_error("item", _("We do not know this produce yet. Try its common name."))
        else:
            try:
                post, matches = post_create(
                    request.user,
                    side=data["side"],
                    item=item,
                    quantity=data["quantity"],
                    quantity_unit=data["quantity_unit"],
                    price_wish=data["price_wish"] or None,
                    price_unit=data["price_unit"] or None,
                    grade=data["grade"] or "",
                    village=data["village"],
                    window_start=data["window_start"],
                    window_end=data["window_end"],
                    contact_phone=data["contact_phone"],
                    note=data["note"],
                    on_behalf_of=data.get("on_behalf_of", ""),
                )
            except DomainError as exc:
                field = form_field(exc.field)
                form.add_error(field if field in form.fields else None, exc.message)
            else:
                messages.success(
                    request, _("Your post is published. It found %(count)d match(es).") % {"count": len(matches)}
                )
                return redirect("farm:post", pk=post.pk)
    return render(request, "farm/post_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def post_close_view(request, pk):
    post = post_get(pk)
    if post is None:
        raise Http404
    try:
        post_close(request.user, post)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The post is closed."))
    return redirect("farm:post", pk=pk)


@login_required
@require_POST
def contact_request_new(request, pk):
    post = post_get(pk)
    if post is None:
        raise Http404
    from_post = post_get(request.POST.get("from_post")) if request.POST.get("from_post") else None
    try:
        contact_request_create(request.user, post, from_post=from_post, message=request.POST.get("message", "")[:200])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Request sent. You will see the phone number once the poster accepts."))
    return redirect("farm:post", pk=pk)


@login_required
@require_POST
def contact_request_answer(request, pk):
    found = contact_request_get(pk)
    if found is None:
        raise Http404
    accept = request.POST.get("answer") == "accept"
    try:
        contact_request_decide(request.user, found, accept=accept)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Accepted: they can now see your phone number.") if accept else _("Declined."))
    return redirect("farm:mine")


@login_required
def mine(request):
    """My posts, the requests to them and my own requests."""
    user = request.user
    return render(
        request,
        "farm/mine.html",
        {
            "posts": list(post_list_for_poster(user)[:PAGE]),
            "incoming": list(contact_requests_incoming(user)[:PAGE]),
            "outgoing": list(contact_requests_outgoing(user)[:PAGE]),
        },
    )
