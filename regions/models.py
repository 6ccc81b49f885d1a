"""Regions, industries and what links them: employment, supply chains, clusters, endowments,
and the firm directory (companies worth courting, and where they already operate).

These are the reference data that admins keep true; every score is computed from them.
An empty optional figure is stored as NULL and means *unknown*, never zero.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _

from regions.audit import AuditedRecords
from regions.names import local_name
from regions.validators import (
    LONG_TEXT,
    LONG_TEXT_MAX,
    no_control_characters,
    non_negative_finite,
)

# Text that people type (names, codes, sources); the importer applies the same rule.
TEXT = [no_control_characters]


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县/区")
    ZONE = "zone", _("园区")


class Region(models.Model):
    """A province, city, county or development zone; parents form a tree (no cycles)."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=TEXT)
    name = models.CharField(_("name"), max_length=100, validators=TEXT)
    name_en = models.CharField(_("English name"), max_length=100, blank=True, validators=TEXT)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Bumped by writes to this region's clusters or endowments (inputs of its leads' scores
    # only); shared measures have their own version in screening.DataVersion.
    score_version = models.PositiveIntegerField(_("score version"), default=1, editable=False)

    # Score bookkeeping (score_version) is not a change anyone made.
    history = AuditedRecords(excluded_fields=["score_version"])

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="region_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{local_name(self)} ({self.code})"  # admin lists, choices: the page's language

    def save(self, *args: object, **kwargs: object) -> None:
        # A cycle in the parent chain would break every tree walk; the database can only
        # forbid the one-step cycle, so the longer ones are checked here on every save.
        self.clean()
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        parent = self.parent
        if parent is not None and self.pk is not None:
            ancestor_ids = {a.pk for a in parent.ancestors(include_self=True)}
            if self.pk in ancestor_ids:
                raise ValidationError({"parent": _("A region cannot be its own ancestor.")})

    def ancestors(self, *, include_self: bool = False) -> list[Region]:
        """Walk up the parent chain (bounded, so a corrupt cycle cannot hang a request)."""
        chain: list[Region] = [self] if include_self else []
        node = self.parent
        seen: set[int] = set()
        while node is not None and node.pk not in seen and len(seen) < 64:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return chain


class Industry(models.Model):
    """An industry in the agency's taxonomy (two or more levels through `parent`)."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=TEXT)
    name = models.CharField(_("name"), max_length=120, validators=TEXT)
    name_en = models.CharField(_("English name"), max_length=120, blank=True, validators=TEXT)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    history = AuditedRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="industry_not_own_parent"),
        ]

    def __str__(self) -> str:
        return f"{local_name(self)} ({self.code})"  # admin lists, choices: the page's language


# `RegionIndustry.year` of a row that belongs to no particular year (it applies to every
# baseline, below any dated vintage). Stored as 0 rather than NULL so that (region, industry,
# year) is an ordinary unique key on every database; files show it as an empty cell.
UNDATED = 0


class RegionIndustry(models.Model):
    """The size of an industry in a region in one year (a vintage). Employment drives the
    measures; NULL is unknown. Scores read, per region and industry, the latest vintage up to
    the scoring baseline year (ScoringBaseline); an undated row counts as the oldest."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="industries", verbose_name=_("region")
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="regions", verbose_name=_("industry")
    )
    employment = models.DecimalField(
        _("employment"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    output = models.DecimalField(
        _("output (10k CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    firms = models.PositiveIntegerField(_("firms"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year"), default=UNDATED, help_text=_("0 = undated (applies to every baseline)")
    )
    source = models.CharField(_("source"), max_length=200, blank=True, validators=TEXT)

    history = AuditedRecords()

    class Meta:
        verbose_name = _("region industry")
        verbose_name_plural = _("region industries")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "industry", "year"], name="region_industry_year_unique"
            ),
            models.CheckConstraint(
                condition=Q(employment__gte=0) | Q(employment__isnull=True),
                name="region_industry_employment_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(output__gte=0) | Q(output__isnull=True),
                name="region_industry_output_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.code} × {self.industry.code}"


class IndustryReference(models.Model):
    """An industry's size in the reference economy (the nation), for specialisation (RCA).

    Optional. When any row exists, RCA, presence and cluster LQ compare each region with these
    national shares instead of with the agency's own regions (docs/scoring.md).
    """

    industry = models.OneToOneField(
        Industry,
        on_delete=models.CASCADE,
        related_name="reference_size",
        verbose_name=_("industry"),
    )
    employment = models.DecimalField(_("employment"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True, validators=TEXT)

    class Meta:
        verbose_name = _("reference industry size")
        verbose_name_plural = _("reference industry sizes")
        constraints = [
            models.CheckConstraint(
                condition=Q(employment__gte=0), name="industry_reference_employment_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.industry.code}: {self.employment}"


class IndustryLink(models.Model):
    """A supplier → customer link between industries, from a chain map or an IO table.

    `weight` is the supplier-side weight (for an IO table: the supplier share, the share of
    the customer's inputs bought from the supplier). `customer_weight`, when the source gives
    it, is the customer-side weight (the share of the supplier's sales going to the customer);
    when it is unknown the engine derives customer shares from `weight` (docs/scoring.md).
    """

    supplier = models.ForeignKey(
        Industry,
        on_delete=models.CASCADE,
        related_name="customer_links",
        verbose_name=_("supplier industry"),
    )
    customer = models.ForeignKey(
        Industry,
        on_delete=models.CASCADE,
        related_name="supplier_links",
        verbose_name=_("customer industry"),
    )
    weight = models.FloatField(_("weight"))
    customer_weight = models.FloatField(_("customer weight"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True, validators=TEXT)

    history = AuditedRecords()

    class Meta:
        verbose_name = _("industry link")
        verbose_name_plural = _("industry links")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "customer"], name="industry_link_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="industry_link_weight_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(customer_weight__gte=0) | Q(customer_weight__isnull=True),
                name="industry_link_customer_weight_non_negative",
            ),
            models.CheckConstraint(
                condition=~Q(supplier=F("customer")), name="industry_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier.code} → {self.customer.code}"


class ScoringBaseline(models.Model):
    """Which vintage of the region data scores use: one row (or none = the latest year).

    A lead is judged against the region as it was when the decision was open, so an agency
    that loads yearly vintages chooses the baseline year here (admin or `manage.py
    set_baseline`); every score reads, per region and industry, the latest row dated at or
    before it (docs/data-format.md, "Vintages").
    """

    year = models.PositiveSmallIntegerField(
        _("baseline year"), null=True, blank=True, help_text=_("empty = the latest year loaded")
    )
    note = models.CharField(_("note"), max_length=200, blank=True, validators=TEXT)

    history = AuditedRecords()

    class Meta:
        verbose_name = _("scoring baseline")
        verbose_name_plural = _("scoring baseline")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="scoring_baseline_single_row"),
        ]

    def __str__(self) -> str:
        return str(self.year) if self.year else "latest"


class IndustryProximity(models.Model):
    """How related two industries are: proximity phi (0-1) from a reference industry space.

    phi is the minimum of the two conditional probabilities that a region specialised in one
    industry is specialised in the other (Hidalgo et al. 2007), estimated over a large
    reference economy (a national census of counties, another country's areas) and mapped onto
    the agency's classification. When any row exists, scores use this table instead of phi
    estimated from the agency's own regions. One row per unordered pair, stored with
    industry_1's code before industry_2's; a pair not listed has proximity 0.
    """

    industry_1 = models.ForeignKey(
        Industry, on_delete=models.CASCADE, related_name="+", verbose_name=_("first industry")
    )
    industry_2 = models.ForeignKey(
        Industry, on_delete=models.CASCADE, related_name="+", verbose_name=_("second industry")
    )
    proximity = models.FloatField(_("proximity"))
    source = models.CharField(_("source"), max_length=200, blank=True, validators=TEXT)

    class Meta:
        verbose_name = _("industry proximity")
        verbose_name_plural = _("industry proximities")
        constraints = [
            models.UniqueConstraint(
                fields=["industry_1", "industry_2"], name="industry_proximity_unique"
            ),
            # The same pair in the other order is the same pair.
            models.UniqueConstraint(
                Least("industry_1", "industry_2"),
                Greatest("industry_1", "industry_2"),
                name="industry_proximity_unordered_unique",
            ),
            models.CheckConstraint(
                condition=~Q(industry_1=F("industry_2")), name="industry_proximity_not_self"
            ),
            models.CheckConstraint(
                condition=Q(proximity__gte=0) & Q(proximity__lte=1),
                name="industry_proximity_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.industry_1.code} ~ {self.industry_2.code}: {self.proximity:g}"


class Cluster(models.Model):
    """An industry cluster of a region, with the targets the agency set for it."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="clusters", verbose_name=_("region")
    )
    code = models.CharField(_("code"), max_length=32, validators=TEXT)
    name = models.CharField(_("name"), max_length=120, validators=TEXT)
    name_en = models.CharField(_("English name"), max_length=120, blank=True, validators=TEXT)
    priority = models.BooleanField(_("priority cluster"), default=False)
    description = models.TextField(
        _("description"), blank=True, max_length=LONG_TEXT_MAX, validators=LONG_TEXT
    )
    target_capex = models.DecimalField(
        _("target signed capex per year (10k CNY)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    target_projects = models.PositiveIntegerField(
        _("target landed projects per year"), null=True, blank=True
    )
    industries = models.ManyToManyField(
        Industry,
        through="ClusterIndustry",
        related_name="clusters",
        verbose_name=_("industries"),
    )
    source = models.CharField(_("source"), max_length=200, blank=True, validators=TEXT)

    history = AuditedRecords()

    class Meta:
        ordering = ["region__code", "code"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"], name="cluster_code_unique_in_region"
            ),
            models.CheckConstraint(
                condition=Q(target_capex__gte=0) | Q(target_capex__isnull=True),
                name="cluster_target_capex_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{local_name(self)} ({self.region.code})"


class ClusterRole(models.TextChoices):
    CORE = "core", _("核心")
    SUPPORT = "support", _("配套")


class ClusterIndustry(models.Model):
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="members", verbose_name=_("cluster")
    )
    industry = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        related_name="cluster_roles",
        verbose_name=_("industry"),
    )
    role = models.CharField(
        _("role"), max_length=10, choices=ClusterRole.choices, default=ClusterRole.CORE
    )

    history = AuditedRecords()

    class Meta:
        verbose_name = _("cluster industry")
        verbose_name_plural = _("cluster industries")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "industry"], name="cluster_industry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cluster.code}: {self.industry.code} ({self.get_role_display()})"


class AnchorFirm(models.Model):
    """A named anchor company of a cluster (the firm that pulls suppliers in)."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="anchors", verbose_name=_("cluster")
    )
    name = models.CharField(_("name"), max_length=200, validators=TEXT)
    name_en = models.CharField(_("English name"), max_length=200, blank=True, validators=TEXT)
    source = models.CharField(_("source"), max_length=200, blank=True, validators=TEXT)

    history = AuditedRecords()

    class Meta:
        verbose_name = _("anchor firm")
        verbose_name_plural = _("anchor firms")
        constraints = [
            models.UniqueConstraint(fields=["cluster", "name"], name="anchor_firm_unique"),
        ]

    def __str__(self) -> str:
        return local_name(self)


class ClusterTargetLink(models.Model):
    """A link of the chain around a cluster that the agency treats as a target to fill: an
    industry supplying the cluster's members or buying from them. Not a scoring input (scores
    follow the data, not the wish list); it marks the chain map and the gap-filling leads."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="target_links", verbose_name=_("cluster")
    )
    industry = models.ForeignKey(
        Industry,
        on_delete=models.CASCADE,
        related_name="cluster_targets",
        verbose_name=_("industry"),
    )

    history = AuditedRecords()

    class Meta:
        verbose_name = _("target chain link")
        verbose_name_plural = _("target chain links")
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "industry"], name="cluster_target_link_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster.code} ← {self.industry.code}"


class Endowment(models.Model):
    """A region's factor endowment (port = 1, industrial land in ha, power price, …)."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="endowments", verbose_name=_("region")
    )
    factor = models.CharField(_("factor"), max_length=64, validators=TEXT)
    value = models.FloatField(_("value"), null=True, blank=True, validators=[non_negative_finite])
    source = models.CharField(_("source"), max_length=200, blank=True, validators=TEXT)

    history = AuditedRecords()

    class Meta:
        ordering = ["region__code", "factor"]
        verbose_name = _("endowment")
        verbose_name_plural = _("endowments")
        constraints = [
            models.UniqueConstraint(fields=["region", "factor"], name="endowment_unique"),
            models.CheckConstraint(
                condition=Q(value__gte=0) | Q(value__isnull=True),
                name="endowment_value_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.code}: {self.factor} = {self.value}"


def known_factors() -> set[str]:
    """The endowment factors a lead's needs may name: those some region records (the lead
    form offers the same ones, projects.forms.factor_choices)."""
    return set(Endowment.objects.order_by().values_list("factor", flat=True).distinct())


class OfficerRegion(models.Model):
    """Which regions a user works for: an officer sees these regions' leads (and those of
    their descendant regions) only; a regional admin edits these regions' data only."""

    user = models.ForeignKey(
        "auth.User",
        on_delete=models.CASCADE,
        related_name="officer_regions",
        verbose_name=_("user"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="officers", verbose_name=_("region")
    )

    history = AuditedRecords()

    class Meta:
        verbose_name = _("officer region")
        verbose_name_plural = _("officer regions")
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="officer_region_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.region.code}"


class Firm(models.Model):
    """A company in the firm directory: someone worth courting, not (yet) a lead.

    Its employees stand in for a new plant's jobs when the firm is scored as a prospect.
    Empty figures are unknown; a real company's figures are left empty rather than guessed.
    """

    code = models.CharField(_("firm id"), max_length=64, unique=True, validators=TEXT)
    name = models.CharField(_("name"), max_length=200, validators=TEXT)
    name_en = models.CharField(_("English name"), max_length=200, blank=True, validators=TEXT)
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="firms", verbose_name=_("industry")
    )
    # Where the head office is, as the source names it: a region code of ours or any place.
    hq_region = models.CharField(_("headquarters"), max_length=100, blank=True, validators=TEXT)
    country = models.CharField(_("country"), max_length=64, blank=True, validators=TEXT)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    revenue = models.DecimalField(
        _("revenue (10k CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    listed = models.BooleanField(_("listed company"), default=False)
    source = models.CharField(_("source"), max_length=200, blank=True, validators=TEXT)

    class Meta:
        ordering = ["code"]
        verbose_name = _("firm")
        verbose_name_plural = _("firm directory")
        constraints = [
            models.CheckConstraint(
                condition=Q(revenue__gte=0) | Q(revenue__isnull=True),
                name="firm_revenue_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{local_name(self)} ({self.code})"  # admin lists, choices: the page's language


class Plant(models.Model):
    """Where a firm already operates: one of its plants (or branches) in a region."""

    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, related_name="plants", verbose_name=_("firm")
    )
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="plants", verbose_name=_("region")
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="plants", verbose_name=_("industry")
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True, validators=TEXT)

    class Meta:
        verbose_name = _("plant")
        verbose_name_plural = _("plants")
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "region", "industry"], name="plant_unique_per_region_industry"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm.code} @ {self.region.code} ({self.industry.code})"
