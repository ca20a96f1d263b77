"""User-facing sentences for what the engine reports in codes (warnings, scenario names…).

The engine speaks in codes so that it stays free of Django; the web pages, the PDF and the
exports all word them here, in the active language.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from roi.calculation import CaseWarning
from roi.formats import format_decimal

SCENARIO_NAMES = {
    "conservative": gettext_lazy("Prudent"),
    "expected": gettext_lazy("Attendu"),
    "optimistic": gettext_lazy("Optimiste"),
}


def _num(value, places: int = 2) -> str:
    return format_decimal(Decimal(value), places, lang=(get_language() or "fr")[:2])


def warning_text(warning: CaseWarning) -> str:
    """The method's warnings (§4) in plain words."""
    params = warning.params
    if warning.code == "no_contingency":
        return _("Aucun montant dans « Coûts cachés ou imprévus » : c’est le poste le plus "
                 "souvent oublié (faible adoption, formations complémentaires, dépassements). "
                 "Prévoyez une réserve.")
    if warning.code == "tco_below_licences":
        return _("Le coût total ne représente que %(ratio)s fois le coût des licences : un "
                 "projet CRM coûte en général 2 à 3 fois ses licences (intégration, formation, "
                 "temps interne). Vérifiez qu’aucun poste n’a été oublié.") % {
            "ratio": _num(params.get("ratio", 0), 2)}
    if warning.code == "revenue_without_margin":
        return _("Tous les gains sont du chiffre d’affaires sans marge appliquée : le ROI "
                 "compare des coûts à du chiffre d’affaires. Appliquez votre taux de marge pour "
                 "ne compter que le profit.")
    if warning.code == "revenue_line_without_margin":
        return _("La ligne « %(label)s » compte du chiffre d’affaires sans marge appliquée : le "
                 "ROI la compare à des coûts comme si c’était du profit. Indiquez le taux de "
                 "marge de cette ligne pour ne compter que le profit.") % {
            "label": params.get("label", "")}
    if warning.code == "horizon_shorter_than_payback":
        payback = params.get("payback_months")
        if payback is not None:
            return _("L’investissement n’est pas remboursé sur l’horizon de %(h)s mois : le "
                     "seuil de rentabilité n’est atteint qu’au bout de %(p)s mois. Allongez "
                     "l’horizon ou revoyez le dossier.") % {
                "h": params.get("horizon_months"), "p": _num(payback, 1)}
        return _("L’investissement n’est pas remboursé sur l’horizon de %(h)s mois, ni même "
                 "sur %(x)s mois.") % {"h": params.get("horizon_months"),
                                        "x": params.get("checked_horizon_months")}
    if warning.code == "licence_price_out_of_range":
        return _("La ligne « %(label)s » revient à %(price)s par utilisateur et par mois, hors "
                 "de la fourchette habituelle des CRM (%(min)s à %(max)s par utilisateur et par "
                 "mois). Vérifiez que le montant est un prix par utilisateur, que la quantité "
                 "est le nombre d’utilisateurs et que la récurrence (mensuelle ou annuelle) est "
                 "la bonne.") % {
            "label": params.get("label", ""), "price": _num(params.get("price_per_user_month", 0)),
            "min": _num(params.get("minimum", 10), 0), "max": _num(params.get("maximum", 300), 0)}
    return warning.code
