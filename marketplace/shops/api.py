"""GraphQL of shops: listing, the application and review mutations, holiday mode."""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from logistics.geography.api import VillageType
from logistics.geography.models import Village
from marketplace.shops import services
from marketplace.shops.access import SHOP_TYPE, can_act_for_shop, require_shop_access, shop_from_global_id
from marketplace.shops.error_codes import ShopErrorCode
from marketplace.shops.models import Shop, ShopKind, ShopStatus, ShopTrack
from marketplace.shops.policies import shop_may_add_member, shop_may_view
from marketplace.shops.selectors import shop_checklist, shop_ids_of_member
from meidu.accounts.selectors import user_get_by_identifier
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql.connection import CountableConnection, paginate
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.graphql.mutations import BaseMutation, ip_address
from meidu.core.graphql.permissions import has_one_of, requestor, require_user
from meidu.core.graphql.types import ModelObjectType
from meidu.core.permissions import ShopPermissions

ShopKindEnum = graphene.Enum("ShopKindEnum", [(k.name, k.value) for k in ShopKind])
ShopTrackEnum = graphene.Enum("ShopTrackEnum", [(k.name, k.value) for k in ShopTrack])
ShopStatusEnum = graphene.Enum("ShopStatusEnum", [(k.name, k.value) for k in ShopStatus])


class ShopChecklistItem(graphene.ObjectType):
    code = graphene.String(required=True)
    label = graphene.String(required=True)
    done = graphene.Boolean(required=True)


class ShopNoticeType(graphene.ObjectType):
    kind = graphene.String(required=True)
    message = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    read_at = graphene.DateTime()


class ShopEventType(graphene.ObjectType):
    action = graphene.String(required=True)
    from_status = graphene.String()
    to_status = graphene.String()
    note = graphene.String()
    created_at = graphene.DateTime(required=True)


class MarketplaceShopType(ModelObjectType):
    kind = graphene.Field(ShopKindEnum, required=True)
    track = graphene.Field(ShopTrackEnum, required=True)
    status = graphene.Field(ShopStatusEnum, required=True)
    village = graphene.Field(VillageType)
    rating = graphene.Float()
    id_number_last4 = graphene.String(description="Members and operators only.")
    payout_account_last4 = graphene.String(description="Members and operators only.")
    rejection_reason = graphene.String(description="Members and operators only.")
    checklist = graphene.List(graphene.NonNull(ShopChecklistItem), description="Members and operators only.")
    events = graphene.List(graphene.NonNull(ShopEventType), description="Members and operators only.")
    notices = graphene.List(
        graphene.NonNull(ShopNoticeType), description="Latest 20 notices; members and operators only."
    )

    batched_selects = {"village": "village"}

    class Meta:
        model = Shop
        name = SHOP_TYPE
        fields = ["id", "name", "slug", "description", "holiday_mode", "created_at"]

    @staticmethod
    def resolve_kind(root, info):
        return str(root.kind)

    @staticmethod
    def resolve_track(root, info):
        return str(root.track)

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)

    @staticmethod
    def _private(root, info) -> bool:
        return can_act_for_shop(info, root.pk, ShopPermissions.MANAGE_SHOPS)

    @staticmethod
    def resolve_rating(root, info):
        return float(root.rating) if root.rating is not None else None

    @staticmethod
    def resolve_id_number_last4(root, info):
        return root.id_number_last4 if MarketplaceShopType._private(root, info) else None

    @staticmethod
    def resolve_payout_account_last4(root, info):
        return root.payout_account_last4 if MarketplaceShopType._private(root, info) else None

    @staticmethod
    def resolve_rejection_reason(root, info):
        return root.rejection_reason if MarketplaceShopType._private(root, info) else None

    @staticmethod
    def resolve_checklist(root, info):
        if not MarketplaceShopType._private(root, info):
            return None
        return [ShopChecklistItem(code=i.code, label=str(i.label), done=i.done) for i in shop_checklist(root)]

    @staticmethod
    def resolve_events(root, info):
        if not MarketplaceShopType._private(root, info):
            return None
        return [
            ShopEventType(
                action=e.action, from_status=e.from_status, to_status=e.to_status, note=e.note, created_at=e.created_at
            )
            for e in root.events.all()
        ]

    @staticmethod
    def resolve_notices(root, info):
        if not MarketplaceShopType._private(root, info):
            return None
        return [
            ShopNoticeType(kind=n.kind, message=n.message, created_at=n.created_at, read_at=n.read_at)
            for n in root.notices.all()[:20]
        ]


class MarketplaceShopCountableConnection(CountableConnection):
    class Meta:
        node = MarketplaceShopType


def _shop(info, global_id: str) -> Shop:
    return shop_from_global_id(global_id, "id", ShopErrorCode.NOT_FOUND)


def _village(global_id: str | None) -> Village | None:
    if not global_id:
        return None
    village = Village.objects.filter(pk=from_global_id_or_error(global_id, "Village", "village")).first()
    if village is None:
        raise DomainError(_("Village not found"), ShopErrorCode.NOT_FOUND, field="village")
    return village


class ShopApplyInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    kind = graphene.Field(ShopKindEnum, required=True)
    track = graphene.Field(ShopTrackEnum, required=True)
    real_name = graphene.String(required=True)
    id_number = graphene.String(required=True, description="Kept only as a keyed hash and its last four characters.")
    payout_account_name = graphene.String(required=True)
    payout_account_number = graphene.String(required=True)
    payout_bank = graphene.String()
    business_licence_number = graphene.String(description="Required on the business track.")
    description = graphene.String()
    village = graphene.ID()
    offers_delivery = graphene.Boolean()
    accept_terms = graphene.Boolean()


class ShopMutation(BaseMutation):
    default_error_code_enum = ShopErrorCode
    default_error_type_name = "ShopError"

    shop = graphene.Field(MarketplaceShopType)

    class Meta:
        abstract = True


class ShopApply(ShopMutation):
    class Arguments:
        input = ShopApplyInput(required=True)

    class Meta:
        description = "Apply to open a shop (farmer light track or business track)."

    @classmethod
    def perform_mutation(cls, root, info, input):
        user = require_user(info)
        shop = services.shop_apply(
            user,
            name=input["name"],
            kind=getattr(input["kind"], "value", input["kind"]),
            track=getattr(input["track"], "value", input["track"]),
            real_name=input["real_name"],
            id_number=input["id_number"],
            payout_account_name=input["payout_account_name"],
            payout_account_number=input["payout_account_number"],
            payout_bank=input.get("payout_bank") or "",
            business_licence_number=input.get("business_licence_number") or "",
            description=input.get("description") or "",
            village=_village(input.get("village")),
            offers_delivery=bool(input.get("offers_delivery")),
            accept_terms=bool(input.get("accept_terms")),
            ip_address=ip_address(info),
        )
        return cls(errors=[], shop=shop)


def _transition_mutation(name: str, action: str, *, members_may: bool, needs_reason: bool, doc: str):
    """Build a mutation for one transition of the shop state machine."""
    arguments = {"id": graphene.ID(required=True)}
    if needs_reason:
        arguments["reason"] = graphene.String(required=True)

    def perform_mutation(cls, root, info, id, reason=""):
        shop = _shop(info, id)
        if members_may:
            require_shop_access(info, shop.pk, ShopPermissions.MANAGE_SHOPS)
        shop = services.shop_transition(shop, action, actor=requestor(info), note=reason, ip_address=ip_address(info))
        return cls(errors=[], shop=shop)

    meta = {"description": doc, "error_code_enum": ShopErrorCode, "error_type_name": "ShopError"}
    if not members_may:
        meta["permissions"] = [ShopPermissions.MANAGE_SHOPS]
    return type(
        name,
        (ShopMutation,),
        {
            "Arguments": type("Arguments", (), arguments),
            "Meta": type("Meta", (), meta),
            "perform_mutation": classmethod(perform_mutation),
        },
    )


ShopSubmitForReview = _transition_mutation(
    "ShopSubmitForReview",
    "submit",
    members_may=True,
    needs_reason=False,
    doc="Send a shop whose checklist is complete to review.",
)
ShopApprove = _transition_mutation(
    "ShopApprove", "approve", members_may=False, needs_reason=False, doc="Approve a shop in review."
)
ShopReject = _transition_mutation(
    "ShopReject", "reject", members_may=False, needs_reason=True, doc="Reject a shop in review, with the reason."
)
ShopSuspend = _transition_mutation(
    "ShopSuspend", "suspend", members_may=False, needs_reason=True, doc="Suspend an active shop, with the reason."
)
ShopReinstate = _transition_mutation(
    "ShopReinstate", "reinstate", members_may=False, needs_reason=False, doc="Reinstate a suspended shop."
)
ShopClose = _transition_mutation(
    "ShopClose", "close", members_may=True, needs_reason=False, doc="Close a shop for good."
)


class ShopUpdateInput(graphene.InputObjectType):
    description = graphene.String()
    offers_delivery = graphene.Boolean()
    accept_terms = graphene.Boolean()
    village = graphene.ID()


class ShopUpdate(ShopMutation):
    class Arguments:
        id = graphene.ID(required=True)
        input = ShopUpdateInput(required=True)

    @classmethod
    def perform_mutation(cls, root, info, id, input):
        shop = _shop(info, id)
        require_shop_access(info, shop.pk, ShopPermissions.MANAGE_SHOPS)
        shop = services.shop_update(
            shop,
            actor=requestor(info),
            description=input.get("description"),
            offers_delivery=input.get("offers_delivery"),
            accept_terms=input.get("accept_terms"),
            village=_village(input.get("village")),
        )
        return cls(errors=[], shop=shop)


class ShopHolidayModeSet(ShopMutation):
    class Arguments:
        id = graphene.ID(required=True)
        enabled = graphene.Boolean(required=True)

    class Meta:
        description = "Hide (or show again) all the shop's listings without unpublishing them."

    @classmethod
    def perform_mutation(cls, root, info, id, enabled):
        shop = _shop(info, id)
        require_shop_access(info, shop.pk, ShopPermissions.MANAGE_SHOPS)
        return cls(errors=[], shop=services.shop_holiday_set(shop, enabled, actor=requestor(info)))


class ShopMemberAdd(ShopMutation):
    class Arguments:
        id = graphene.ID(required=True)
        phone = graphene.String(required=True, description="Mobile number of an existing account.")

    class Meta:
        description = "Add an assistant to the shop (owners and operators)."

    @classmethod
    def perform_mutation(cls, root, info, id, phone):
        shop = _shop(info, id)
        actor = requestor(info)
        if not shop_may_add_member(actor, shop):
            raise PermissionDenied(
                [ShopPermissions.MANAGE_SHOPS],
                message="Only the shop's owner or holders of MANAGE_SHOPS may add members",
            )
        user = user_get_by_identifier(phone)
        if user is None:
            raise DomainError(_("No account has this mobile number"), ShopErrorCode.NOT_FOUND, field="phone")
        services.shop_member_add(shop, user, actor=actor)
        return cls(errors=[], shop=shop)


class ShopQueries(graphene.ObjectType):
    shops = graphene.relay.ConnectionField(
        MarketplaceShopCountableConnection, kind=ShopKindEnum(), status=ShopStatusEnum(description="Operators only.")
    )
    marketplace_shop = graphene.Field(MarketplaceShopType, slug=graphene.String(), id=graphene.ID())
    my_shops = graphene.List(
        graphene.NonNull(MarketplaceShopType), required=True, description="Shops the caller works for."
    )

    @staticmethod
    def resolve_shops(root, info, kind=None, status=None, **kwargs):
        qs = Shop.objects.all()
        if has_one_of(requestor(info), [ShopPermissions.MANAGE_SHOPS]):
            if status is not None:
                qs = qs.filter(status=getattr(status, "value", status))
        else:
            qs = qs.filter(status=ShopStatus.ACTIVE, holiday_mode=False)
        if kind is not None:
            qs = qs.filter(kind=getattr(kind, "value", kind))
        return paginate(qs, info, MarketplaceShopCountableConnection, **kwargs)

    @staticmethod
    def resolve_marketplace_shop(root, info, slug=None, id=None):
        qs = Shop.objects.select_related("village")
        shop = qs.filter(pk=from_global_id_or_error(id, SHOP_TYPE)).first() if id else qs.filter(slug=slug).first()
        if shop is None:
            return None
        return shop if shop_may_view(requestor(info), shop) else None

    @staticmethod
    def resolve_my_shops(root, info):
        return list(Shop.objects.filter(pk__in=shop_ids_of_member(info.context.user)).select_related("village"))


class ShopMutations(graphene.ObjectType):
    shop_apply = ShopApply.Field()
    shop_submit_for_review = ShopSubmitForReview.Field()
    shop_approve = ShopApprove.Field()
    shop_reject = ShopReject.Field()
    shop_suspend = ShopSuspend.Field()
    shop_reinstate = ShopReinstate.Field()
    shop_close = ShopClose.Field()
    shop_update = ShopUpdate.Field()
    shop_holiday_mode_set = ShopHolidayModeSet.Field()
    shop_member_add = ShopMemberAdd.Field()
