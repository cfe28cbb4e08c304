"""Operators read reviews here and hide abusive ones (through review_hide, never by editing)."""

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from marketplace.reviews.models import Review
from marketplace.reviews.services import review_hide
from meidu.core.admin_access import EnumPermissionAdminMixin
from meidu.core.errors import DomainError
from meidu.core.permissions import ReviewPermissions


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=255)


@admin.action(description=_("Hide the selected reviews"))
def hide_reviews(modeladmin, request, queryset):
    form = ReasonForm(request.POST) if "apply" in request.POST else ReasonForm()
    if not form.is_bound or not form.is_valid():
        return render(
            request,
            "admin/reviews/hide_reason.html",
            {"reviews": queryset, "form": form, "opts": modeladmin.model._meta},
        )
    done = 0
    for review in queryset:
        try:
            review_hide(review, actor=request.user, reason=form.cleaned_data["reason"])
            done += 1
        except DomainError as exc:
            modeladmin.message_user(request, f"#{review.pk}: {exc.message}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"{done} hidden", messages.SUCCESS)
    return None


@admin.register(Review)
class ReviewAdmin(EnumPermissionAdminMixin, admin.ModelAdmin):
    admin_permission = ReviewPermissions.MANAGE_REVIEWS
    list_display = ["id", "shop", "product_name", "rating", "is_hidden", "created_at"]
    list_filter = ["is_hidden", "rating"]
    search_fields = ["product_name", "text"]
    list_select_related = ["shop"]
    actions = [hide_reviews]
    readonly_fields = [field.name for field in Review._meta.fields]
