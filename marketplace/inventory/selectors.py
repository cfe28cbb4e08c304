from django.db.models import Sum

from marketplace.inventory.models import Stock, StockMovement


def stock_from_journal(stock: Stock) -> tuple[int, int]:
    """(quantity, allocated) recomputed from the movement journal: must equal the row."""
    totals = StockMovement.objects.filter(stock=stock).aggregate(q=Sum("quantity_delta"), a=Sum("allocated_delta"))
    return totals["q"] or 0, totals["a"] or 0
