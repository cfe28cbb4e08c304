"""What a trader reads when the engine refuses a command: one translated message per engine code.

The engine is pure (no Django) and its messages stay English for logs and tests; the services show
these instead, keeping the engine's code and field."""

from django.utils.translation import gettext_lazy as _

from magnesium_exchange.engine import EngineErrorCode as E

ENGINE_MESSAGES = {
    E.INVALID_COMMAND: _("The request is not valid"),
    E.INVALID_PRICE: _("The price must be positive"),
    E.INVALID_QUANTITY: _("The quantity must be positive tonnes with at most 3 decimals"),
    E.INVALID_SCHEDULE: _("The times are not valid: the end must be in the future and after the start"),
    E.PRICE_OFF_TICK: _("The price is not a multiple of the price tick"),
    E.PRICE_OUTSIDE_LIMIT: _("The price is outside today's price limit"),
    E.NO_REFERENCE_PRICE: _("This grade has no reference price yet"),
    E.BELOW_RESERVE: _("The bid is below the reserve price"),
    E.ABOVE_CEILING: _("The offer is above the ceiling price"),
    E.BID_NOT_IMPROVED: _("The bid must better the current bids by the increment"),
    E.BELOW_MIN_PICK: _("The quantity is below the minimum pick or bid"),
    E.OFF_STEP: _("The quantity is not a multiple of the quantity step"),
    E.QUANTITY_EXCEEDS_AVAILABLE: _("The quantity exceeds what remains available"),
    E.INSUFFICIENT_QUANTITY: _("Not enough unencumbered receipts of this grade"),
    E.INSUFFICIENT_FUNDS: _("Available funds do not cover the deposit"),
    E.EXPOSURE_CAP_EXCEEDED: _("The member's exposure cap would be exceeded"),
    E.EXCLUDED_COUNTERPARTY: _("The credit-matching list excludes this counterparty"),
    E.NOT_INVITED: _("This request for quote is for invited members only"),
    E.SELF_TRADE: _("A member cannot trade with itself"),
    E.NOT_OWNER: _("Only the member who posted it may do this"),
    E.NOT_OPEN: _("It is closed or has not started yet"),
    E.ENDED: _("It has ended or expired"),
    E.NOT_ENDED: _("It has not ended yet"),
    E.HAS_BIDS: _("An auction with bids can only be cancelled by an operator"),
    E.ALREADY_EXISTS: _("It exists already"),
    E.NOT_FOUND: _("Not found"),
    E.OUT_OF_SEQUENCE: _("Someone changed it meanwhile: try again"),
}
