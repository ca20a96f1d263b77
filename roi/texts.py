"""User-facing sentences for what the engine reports in codes (warnings, scenario names…).

The engine speaks in codes so that it stays free of Django; the web pages, the PDF and the
exports all word them here, in the active language.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from roi.calculation import CaseWarning
from roi.calculation.pricing import PLAUSIBLE_PRICE_MAX, PLAUSIBLE_PRICE_MIN, PRICE_TIERS
from roi.formats import active_language, format_decimal, format_limit, format_money

SCENARIO_NAMES = {
    "conservative": gettext_lazy("Prudent"),
    "expected": gettext_lazy("Attendu"),
    "optimistic": gettext_lazy("Optimiste"),
}


def _num(value, places: int = 2) -> str:
    return format_decimal(Decimal(value), places, lang=active_language())


def _amount(value, currency: str | None, places: int = 2) -> str:
    if currency is None:
        return _num(value, places)
    return format_money(Decimal(value), currency, places, lang=active_language())


def warning_text(warning: CaseWarning, *, currency: str | None = None) -> str:
    """The method's warnings (§4) in plain words; amounts in ``currency`` when given."""
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
            "label": params.get("label", ""),
            "price": _amount(params.get("price_per_user_month", 0), currency),
            "min": _amount(params.get("minimum", 10), currency, 0),
            "max": _amount(params.get("maximum", 300), currency, 0)}
    if warning.code in ("costs_over_plan", "gains_under_plan"):
        return _tracking_warning(warning)
    return warning.code


def _tracking_warning(warning: CaseWarning) -> str:
    """Method §6's tracking warnings, over the closed months 1..A."""
    params = warning.params
    percent = params.get("variance_percent")
    values = {"a": params.get("as_of_month"), "t": _num(params.get("threshold_percent", 0), 0),
              "v": _num(abs(Decimal(percent)), 1) if percent is not None else "—"}
    if warning.code == "costs_over_plan":
        return _("Sur les %(a)s mois clos, les coûts réels dépassent le plan de %(v)s %% (seuil "
                 "d’alerte : %(t)s %%). Identifiez le poste qui dérape et mettez à jour la "
                 "prévision.") % values
    return _("Sur les %(a)s mois clos, les gains réels sont inférieurs au plan de %(v)s %% "
             "(seuil d’alerte : %(t)s %%). Vérifiez l’adoption et les hypothèses de gains.") % values


# --- options and licence prices (method §7, seed 002) ----------------------------------------

LICENCE_MODEL_NAMES = {
    "saas": gettext_lazy("SaaS : abonnement par utilisateur"),
    "on_premise": gettext_lazy("On-premise : licence perpétuelle + maintenance annuelle"),
    "mixed": gettext_lazy("Hybride : licence perpétuelle + abonnements par utilisateur"),
}
PRICE_TIER_NAMES = {
    "free": gettext_lazy("gratuit"),
    "economy": gettext_lazy("économique"),
    "mid_range": gettext_lazy("milieu de gamme"),
    "high_end": gettext_lazy("haut de gamme"),
}


def licence_model_text(code: str | None) -> str:
    """How an option pays for its CRM (roi.calculation.pricing.licence_model), in words."""
    if code is None:
        return _("Aucune ligne de logiciel chiffrée : modèle de licence non identifié")
    return str(LICENCE_MODEL_NAMES.get(code, code))


def verdict_text(*, npv_name: str, npv: str, roi_name: str | None, roi: str,
                 roi_option_costs_less: bool) -> str:
    """The one sentence that names the winner by NPV and by ROI, and why they may differ."""
    if roi_name is None:
        return _("« %(npv_name)s » a la valeur actuelle nette la plus élevée (%(npv)s) ; aucune "
                 "option n’a de coût, le ROI n’est défini pour aucune.") % {
            "npv_name": npv_name, "npv": npv}
    if roi_name == npv_name:
        return _("« %(name)s » l’emporte sur les deux critères : la valeur actuelle nette la "
                 "plus élevée (%(npv)s) et le meilleur ROI (%(roi)s).") % {
            "name": npv_name, "npv": npv, "roi": roi}
    if roi_option_costs_less:
        return _("« %(npv_name)s » crée le plus de valeur (VAN de %(npv)s) et « %(roi_name)s » a "
                 "le meilleur ROI (%(roi)s) : c’est l’option la moins chère, et un ROI élevé sur "
                 "une petite base rapporte moins en valeur absolue ; la VAN classe les options "
                 "par valeur créée, le ROI par rendement de chaque euro investi.") % {
            "npv_name": npv_name, "npv": npv, "roi_name": roi_name, "roi": roi}
    return _("« %(npv_name)s » crée le plus de valeur (VAN de %(npv)s) et « %(roi_name)s » a le "
             "meilleur ROI (%(roi)s) : la VAN classe les options par valeur créée, actualisée, "
             "le ROI par rendement de chaque euro investi, sans tenir compte du moment des "
             "flux.") % {"npv_name": npv_name, "npv": npv, "roi_name": roi_name, "roi": roi}


def price_tier_texts(currency: str, *, lang: str) -> list[str]:
    """Seed 002's paid tiers per user per month in ``currency`` ("économique : 10 à 30 €
    par utilisateur et par mois"), for the software post and the options."""
    return [_("%(tier)s : %(low)s à %(high)s par utilisateur et par mois") % {
        "tier": PRICE_TIER_NAMES[tier.code],
        "low": format_money(tier.minimum, currency, 0, lang=lang),
        "high": format_money(tier.maximum, currency, 0, lang=lang)}
        for tier in PRICE_TIERS if tier.maximum > 0]


def price_range_text(currency: str, *, lang: str) -> str:
    """The plausible range of seed 002, outside which a per-user price is warned about."""
    return _("Hors de %(low)s à %(high)s par utilisateur et par mois, le prix est signalé : "
             "c’est souvent un montant annuel saisi comme mensuel, ou une facture entière "
             "saisie comme un prix par utilisateur.") % {
        "low": format_money(PLAUSIBLE_PRICE_MIN, currency, 0, lang=lang),
        "high": format_money(PLAUSIBLE_PRICE_MAX, currency, 0, lang=lang)}


def comparison_problem_text(problem, names: list[str]) -> str:
    """Why options cannot be compared (roi.calculation.comparison.ComparisonProblem), naming
    the option and the key, in the active language."""
    keys = {"currency": _("la devise"), "horizon_months": _("l’horizon (mois)"),
            "discount_rate": _("le taux d’actualisation")}
    if problem.option is None:
        return _("Une décision compare de 2 à 4 options.")
    value, reference = problem.value, problem.reference_value
    if problem.key == "discount_rate":
        value = f"{_num(Decimal(value) * 100)} %"
        reference = f"{_num(Decimal(reference) * 100)} %"
    return _("Option %(n)s « %(name)s » : %(key)s vaut %(value)s, alors que la référence "
             "« %(reference)s » utilise %(expected)s. Des options ne se comparent qu’avec la "
             "même devise, le même horizon et le même taux d’actualisation : alignez-les.") % {
        "n": problem.option + 1, "name": names[problem.option],
        "key": keys.get(problem.key, problem.key), "value": value,
        "reference": names[0], "expected": reference}


# --- the interchange format's rules (roi-case/1), for the web import ------------------------
# The format states its rules in short English sentences (the command line prints them as they
# are); the web import words them in the user's language, the path kept as it is
# ("costs[2].amount : doit être supérieur ou égal à 0").

_NUMBER = r"-?\d+(?:\.\d+)?"
_CASE_RULES: list[tuple[re.Pattern, object]] = [(re.compile(pattern), text) for pattern, text in [
    (r"required", gettext_lazy("obligatoire")),
    (r"must have at most (?P<maximum>\d+) lines \(costs and gains together\), not (?P<count>\d+)",
     gettext_lazy("un projet compte au plus %(maximum)s lignes (coûts et gains ensemble) ; "
                  "ce fichier en a %(count)s")),
    (r"unknown key", gettext_lazy("clé inconnue")),
    (r"only allowed on gains", gettext_lazy("réservé aux gains")),
    (r"must be an object", gettext_lazy("doit être un objet")),
    (r"must be a list", gettext_lazy("doit être une liste")),
    (r"must be a string", gettext_lazy("doit être un texte")),
    (r"must be an integer", gettext_lazy("doit être un nombre entier")),
    (r"must be a decimal number", gettext_lazy("doit être un nombre décimal")),
    (r'must be a decimal number written like "1234\.56"',
     gettext_lazy("doit être un nombre décimal écrit comme « 1234.56 »")),
    (r"must be a finite number", gettext_lazy("doit être un nombre fini")),
    (r"must not contain control characters",
     gettext_lazy("ne doit pas contenir de caractère de contrôle (caractère nul…)")),
    (r"must have at most (?P<n>\d+) items", gettext_lazy("au plus %(n)s éléments")),
    (r"must be at most (?P<n>\d+) characters", gettext_lazy("au plus %(n)s caractères")),
    (r"must have at most (?P<n>\d+) decimal places",
     gettext_lazy("au plus %(n)s chiffres après la virgule")),
    (r"must have at most (?P<n>\d+) months", gettext_lazy("au plus %(n)s mois")),
    (rf"must be > (?P<a>{_NUMBER}) and <= (?P<b>{_NUMBER})",
     gettext_lazy("doit être supérieur à %(a)s et inférieur ou égal à %(b)s")),
    (rf"must be >= (?P<n>{_NUMBER})", gettext_lazy("doit être supérieur ou égal à %(n)s")),
    (rf"must be <= (?P<n>{_NUMBER})", gettext_lazy("doit être inférieur ou égal à %(n)s")),
    (r"must be >= start_month",
     gettext_lazy("doit être supérieur ou égal au mois de début (start_month)")),
    (r"must be <= horizon_months (?P<n>\d+)",
     gettext_lazy("doit être inférieur ou égal à l’horizon (horizon_months, %(n)s)")),
    (r"must be one of (?P<values>.+)", gettext_lazy("doit être l’une des valeurs %(values)s")),
    (r"duplicate code", gettext_lazy("code en double")),
    (r"must use only a-z, 0-9, _ and -",
     gettext_lazy("ne doit contenir que a-z, 0-9, _ et -")),
    (r'must be "(?P<value>[^"]+)"', gettext_lazy("doit valoir « %(value)s »")),
    (r"must be a 3-letter ISO 4217 code such as EUR",
     gettext_lazy("doit être un code de devise ISO 4217 de 3 lettres, comme EUR")),
    (r"required when a line has actuals",
     gettext_lazy("obligatoire dès qu’une ligne porte des réels")),
    (r"month must be >= 1", gettext_lazy("le mois doit être supérieur ou égal à 1")),
    (rf"month must be <= (?P<n>{_NUMBER})",
     gettext_lazy("le mois doit être inférieur ou égal à %(n)s")),
    (r'month must be written without leading zeros, like "3"',
     gettext_lazy("le mois s’écrit sans zéro initial, comme « 3 »")),
    (r'month must be a whole number written like "3"',
     gettext_lazy("le mois doit être un nombre entier écrit comme « 3 »")),
    (r"month after as_of_month (?P<n>\d+)",
     gettext_lazy("mois postérieur au dernier mois clos (as_of_month, %(n)s)")),
    (r"the document must be a JSON object", gettext_lazy("le document doit être un objet JSON")),
    (r"the document must be at most (?P<n>\d+) characters",
     gettext_lazy("le document doit faire au plus %(n)s caractères")),
    (r"invalid JSON at line (?P<line>\d+), column (?P<column>\d+): .*",
     gettext_lazy("JSON invalide à la ligne %(line)s, colonne %(column)s")),
    (r"invalid JSON: the text must be UTF-8",
     gettext_lazy("JSON invalide : le texte doit être en UTF-8")),
    (r"invalid JSON: too deeply nested", gettext_lazy("JSON invalide : imbrication trop profonde")),
    (r"invalid JSON: the key (?P<key>.+) appears twice in one object",
     gettext_lazy("JSON invalide : la clé %(key)s apparaît deux fois dans un même objet")),
    (r"invalid JSON.*", gettext_lazy("JSON invalide")),
    (r"unreadable document \((?P<reason>\w+)\)", gettext_lazy("document illisible (%(reason)s)")),
]]


def _shown_number(text: str) -> str:
    return format_limit(Decimal(text)) if re.fullmatch(_NUMBER, text) else text


def case_error_text(path: str, message: str) -> str:
    """One problem of a roi-case/1 document, in the active language: the path as the format
    names it, then the rule (``costs[2].amount : doit être supérieur ou égal à 0``). A rule
    this table does not know is shown as the format words it."""
    for pattern, text in _CASE_RULES:
        match = pattern.fullmatch(message)
        if match:
            params = {key: _shown_number(value) for key, value in match.groupdict().items()}
            message = str(text) % params if params else str(text)
            break
    return _("%(path)s : %(rule)s") % {"path": path, "rule": message} if path else message


def lines_after_horizon_text(label: str, month: int, horizon: int, count: int) -> str:
    """``count`` lines start after the horizon (the first, ``label``, in ``month``): they count
    in the 24- and 36-month views only, not in the figures at the horizon. Said after a
    shorter horizon is saved and after an import."""
    return ngettext(
        "La ligne « %(label)s » commence au mois %(month)s, après l’horizon de %(horizon)s "
        "mois : elle ne compte pas dans les chiffres à l’horizon (seulement dans les vues à "
        "plus long terme). Allongez l’horizon ou avancez son mois de début si elle doit "
        "compter.",
        "%(count)s lignes commencent après l’horizon de %(horizon)s mois (dont « %(label)s », "
        "au mois %(month)s) : elles ne comptent pas dans les chiffres à l’horizon (seulement "
        "dans les vues à plus long terme). Allongez l’horizon ou avancez leur mois de début "
        "si elles doivent compter.", count) % {
        "label": label, "month": month, "horizon": horizon, "count": count}
