"""The printed manifest a driver takes on the run: stops in order, parcels, cash to collect, produce to load."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from meidu.core.printing import font_register, wrap

from .models import PlannedRun

MARGIN = 15 * mm
COLUMNS = [("#", 0), ("到达", 8), ("地点", 24), ("派送包裹", 70), ("卸货kg", 125), ("装货", 142), ("代收款", 168)]


def run_manifest_pdf(run: PlannedRun) -> bytes:
    """A4, in Chinese (the drivers' language), one line block per stop; a stop never splits across pages."""
    font = font_register()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"配送清单 {run.plan.day} {run.vehicle.code}")
    width, height = A4
    y = _header(pdf, run, font, width, height)
    total_cash = 0
    for stop in run.stops.all():
        parcels = wrap("、".join(stop.parcels) or "—", 52 * mm, 9)
        pickups = wrap("、".join(stop.pickups) + (f" {stop.pickup_kg}kg" if stop.pickup_kg else "") or "—", 24 * mm, 9)
        place = wrap(stop.label, 44 * mm, 9)
        lines = max(len(parcels), len(pickups), len(place))
        needed = lines * 4.6 * mm + 2 * mm
        if y - needed < MARGIN:
            pdf.showPage()
            y = _header(pdf, run, font, width, height)
        pdf.setFont(font, 9)
        arrives = timezone.localtime(stop.arrives_at).strftime("%H:%M")
        cash = f"¥{stop.cash_to_collect}" if stop.cash_to_collect else "—"
        total_cash += stop.cash_to_collect
        cells = [[str(stop.position)], [arrives], place, parcels, [str(stop.delivery_kg)], pickups, [cash]]
        for (_title, x), cell in zip(COLUMNS, cells, strict=True):
            for n, text in enumerate(cell):
                pdf.drawString(MARGIN + x * mm, y - n * 4.6 * mm, text)
        y -= needed
        pdf.line(MARGIN, y + 1 * mm, width - MARGIN, y + 1 * mm)
    pdf.setFont(font, 10)
    pdf.drawString(MARGIN, max(y - 6 * mm, MARGIN), f"代收款合计 ¥{total_cash}    签收人：__________")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _header(pdf, run: PlannedRun, font: str, width: float, height: float) -> float:
    pdf.setFont(font, 16)
    pdf.drawString(
        MARGIN, height - 20 * mm, f"配送清单  {run.plan.day:%Y-%m-%d}  {run.vehicle.code} {run.vehicle.name}"
    )
    pdf.setFont(font, 10)
    driver = run.driver.display_name if run.driver else "—"
    leaves = timezone.localtime(run.leaves_at).strftime("%H:%M")
    back = timezone.localtime(run.back_at).strftime("%H:%M")
    pdf.drawString(
        MARGIN,
        height - 27 * mm,
        f"车牌 {run.vehicle.plate or '—'}   司机 {driver}   出发 {leaves}   返回 {back}   "
        f"里程 {run.distance_m / 1000:.1f} km",
    )
    y = height - 36 * mm
    pdf.setFont(font, 9)
    for title, x in COLUMNS:
        pdf.drawString(MARGIN + x * mm, y, title)
    pdf.line(MARGIN, y - 2 * mm, width - MARGIN, y - 2 * mm)
    return y - 7 * mm
