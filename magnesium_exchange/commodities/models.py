"""Commodities (magnesia products) and their grades.

A grade is a set of spec ranges; a bound left empty does not constrain. Quantities are
tonnes with three decimals; prices are CNY per tonne on the commodity's tick.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from meidu.core.search.models import SearchDocumentBase, SuggestionBase, document_indexes, suggestion_indexes

# Assay properties a grade may bound: (field stem, label, unit).
SPEC_FIELDS = (
    ("mgo", _("MgO"), "%"),
    ("sio2", _("SiO2"), "%"),
    ("cao", _("CaO"), "%"),
    ("fe2o3", _("Fe2O3"), "%"),
    ("bulk_density", _("Bulk density"), "g/cm³"),
    ("grain_size", _("Grain size"), "mm"),
)
SPEC_KEYS = tuple(stem for stem, _label, _unit in SPEC_FIELDS)
PERCENT_KEYS = ("mgo", "sio2", "cao", "fe2o3")


class CommodityKind(models.TextChoices):
    FUSED_MAGNESIA = "fused_magnesia", _("Fused magnesia")
    DEAD_BURNED = "dead_burned", _("Dead-burned magnesia")
    LIGHT_BURNED = "light_burned", _("Light-burned magnesia")
    MAGNESITE_ORE = "magnesite_ore", _("Magnesite ore")
    MAGNESIA_CARBON_BRICK = "magnesia_carbon_brick", _("Magnesia-carbon bricks")
    BORON = "boron", _("Boron products")


class Commodity(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=32, choices=CommodityKind.choices)
    unit = models.CharField(max_length=8, default="t", editable=False, help_text="Always tonnes.")
    quantity_step = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal("1.000"))
    min_quantity = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal("1.000"))
    price_tick = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("1.00"))
    currency = models.CharField(max_length=3, default="CNY")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commodity")
        verbose_name_plural = _("commodities")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity_step__gt=0), name="commodity_step_positive"),
            models.CheckConstraint(condition=models.Q(price_tick__gt=0), name="commodity_tick_positive"),
            models.CheckConstraint(condition=models.Q(min_quantity__gt=0), name="commodity_min_positive"),
        ]

    def __str__(self):
        return self.name


class Grade(models.Model):
    """A named grade (e.g. fused magnesia 97); ``rank`` picks the best grade when several match."""

    commodity = models.ForeignKey(Commodity, on_delete=models.PROTECT, related_name="grades")
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    rank = models.PositiveIntegerField(default=0, help_text="Higher is better; the best matching grade is assigned.")
    standard = models.CharField(max_length=60, blank=True, help_text="Applicable standard, e.g. a GB/T or YB/T code.")
    is_active = models.BooleanField(default=True)
    mgo_min = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True, help_text="MgO %, minimum")
    mgo_max = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True, help_text="MgO %, maximum")
    sio2_min = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True, help_text="SiO2 %, minimum")
    sio2_max = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True, help_text="SiO2 %, maximum")
    cao_min = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True, help_text="CaO %, minimum")
    cao_max = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True, help_text="CaO %, maximum")
    fe2o3_min = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True, help_text="Fe2O3 %, minimum")
    fe2o3_max = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True, help_text="Fe2O3 %, maximum")
    bulk_density_min = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True, help_text="Bulk density g/cm³, minimum"
    )
    bulk_density_max = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True, help_text="Bulk density g/cm³, maximum"
    )
    grain_size_min = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True, help_text="Grain size mm, minimum"
    )
    grain_size_max = models.DecimalField(
        max_digits=8, decimal_places=3, null=True, blank=True, help_text="Grain size mm, maximum"
    )

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["commodity_id", "-rank", "id"]

    def __str__(self):
        return self.name

    def spec_ranges(self) -> dict[str, tuple[Decimal | None, Decimal | None]]:
        return {stem: (getattr(self, f"{stem}_min"), getattr(self, f"{stem}_max")) for stem in SPEC_KEYS}


class GradeSearchDocument(SearchDocumentBase):
    """The grade's search document (meidu.core.search): a trader's words find listings through their
    grade (commodity and grade names, standard); spec ranges are filtered on the grade's columns."""

    grade = models.OneToOneField(Grade, primary_key=True, on_delete=models.CASCADE, related_name="search_document")

    class Meta:
        indexes = document_indexes("exch_grade_doc")


class GradeSuggestion(SuggestionBase):
    grade = models.ForeignKey(Grade, on_delete=models.CASCADE, related_name="+")

    class Meta:
        indexes = suggestion_indexes("exch_grade_suggest")
