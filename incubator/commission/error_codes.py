from enum import Enum


class CommissionErrorCode(Enum):
    """Why a commission rule change, a read or a payout was refused (《禁止传销条例》 art. 7 limits
    included: each forbidden pattern has its own code so an operator's screen can say which)."""

    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    LEVEL_LIMIT = "level_limit"
    REASON_REQUIRED = "reason_required"
    JOINING_FEE_FORBIDDEN = "joining_fee_forbidden"
    RECRUIT_REWARD_FORBIDDEN = "recruit_reward_forbidden"
    BASE_FORBIDDEN = "base_forbidden"
    REAL_NAME_REQUIRED = "real_name_required"
    INVALID_STATUS = "invalid_status"
