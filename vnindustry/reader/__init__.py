"""The reader: `parse_article(event) -> list[Observation]`, pure and versioned.

Stages, each a module: text (normalise, segment) -> numbers (quantities) -> roles (value,
change, plan...) -> subjects / places / periods (what, where, when) -> statements (group
figures) -> here: resolve context across sentences and validate into the contract.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Mapping, Optional

from vnindustry.contract import PARSER_VERSION, Observation
from vnindustry.reader.numbers import find_quantities
from vnindustry.reader.periods import Period, find_dateline, find_periods, resolve_year
from vnindustry.reader.places import Place, find_places, geo_for
from vnindustry.reader.roles import Phrase, find_phrases, read_roles
from vnindustry.reader.statements import Statement, group_statements, is_product_statement
from vnindustry.reader.subjects import PHYSICAL_UNITS, division_section, find_subjects, product_info
from vnindustry.reader.text import Sentence, lower_same_length, nfc, search_form, segment
from vnindustry.vocabulary import cues as vocabulary

__all__ = ["parse_article", "PARSER_VERSION"]

METRIC_UNITS = {
    "production_value": {"bn_vnd"},
    "value_added": {"bn_vnd"},
    "iip": set(),
    "growth_contribution": {"pp"},
    "output": PHYSICAL_UNITS,
    "inventory": PHYSICAL_UNITS,
}
HORIZON_WORDS = tuple(search_form(w) for w in ("đến", "tới", "tầm nhìn", "định hướng"))


@dataclass
class SentenceFacts:
    """What one sentence says, before context from other sentences is applied."""

    sentence: Sentence
    search: str
    phrases: list[Phrase]
    periods: list[Period]
    places: list[Place]
    statements: list[Statement]
    breakdown: bool
    subjects: list


@dataclass
class Context:
    """What carries from sentence to sentence."""

    period: Optional[Period] = None
    period_position: int = 0
    sector: Optional[str] = None  # last sector named, for `lĩnh vực này`
    paragraph: int = -1
    paragraph_place: Optional[str] = None
    parent: Optional["Resolved"] = None


@dataclass
class Resolved:
    metric: Optional[str]
    status: str
    base: Optional[str]
    sector: Optional[str]
    product: bool


@dataclass
class Article:
    published: Optional[date]
    stated_years: list[tuple[int, int]] = field(default_factory=list)
    dominant_place: Optional[str] = None


def parse_article(event: Mapping[str, Any]) -> list[Observation]:
    """Observations stated by one article event (`article_id`, `body`, optional `title`, `published_at`)."""
    body = nfc(event.get("body") or "")
    title = nfc(event.get("title") or "")
    search = search_form(body)
    article = Article(_published(event.get("published_at")) or find_dateline(search))
    facts = [_read_sentence(body, search, s) for s in segment(body)]
    for fact in facts:
        article.stated_years.extend(
            (fact.sentence.start + p.start, p.last_year or p.year) for p in _periods_outside(fact, STATED_YEAR_EXCLUDES) if p.year
        )
    article.dominant_place = _dominant_place(title, facts)
    observations: list[Observation] = []
    context = Context()
    for fact in facts:
        observations.extend(_resolve_sentence(fact, context, article, str(event.get("article_id") or "")))
    headline_end = body.index(title) + len(title) if title and body.lstrip().startswith(title) else 0
    return _deduplicate(observations, headline_end)


def _published(value: Any) -> Optional[date]:
    if not value:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _read_sentence(body: str, search: str, sentence: Sentence) -> SentenceFacts:
    text = search[sentence.start : sentence.end]
    original = body[sentence.start : sentence.end]
    phrases = find_phrases(text)
    places = find_places(original, text)
    masked = _mask_places(_mask_parentheses(text), places)
    quantities = find_quantities(masked)
    spans = [(q.start, q.end) for q in quantities] + [(p.start, p.end) for p in phrases if p.kind != "plan"]
    subjects = [c for c in find_subjects(text) if not any(s < c.end and c.start < e for s, e in spans)]
    growth = [c for c in subjects if c.kind == "metric" and c.value == "value_added" and c.weight < 2]

    def growth_subject(position: int) -> bool:
        before = [c for c in subjects if c.end <= position and c.kind in ("metric", "sector", "division", "product", "anaphora")]
        metrics = [c for c in before if c.kind == "metric"]
        return bool(growth) and bool(metrics) and metrics[-1] in growth

    readings = read_roles(masked, quantities, phrases, growth_subject)
    statements = group_statements(text, readings, subjects)
    breakdown = _is_breakdown(text)
    return SentenceFacts(sentence, text, phrases, find_periods(text), places, statements, breakdown, subjects)


def _mask_parentheses(text: str) -> str:
    """Figures inside parentheses are asides (`(cùng kỳ tăng 5%)`), not statements."""
    out, depth = [], 0
    for ch in text:
        depth += ch == "("
        out.append(" " if depth and ch not in "()" else ch)
        depth -= ch == ")" and depth > 0
    return "".join(out)


def _mask_places(text: str, places: list[Place]) -> str:
    """Names are not verbs: `Cao Bằng đạt 5.000 tỷ` holds no `bằng` (index) before its figure."""
    for place in places:
        text = text[: place.start] + " " * (place.end - place.start) + text[place.end :]
    return text


def _is_breakdown(text: str) -> bool:
    stripped = text.lstrip(" -–•*")
    if ":" in text:
        return True
    return any(stripped.startswith(p) and not stripped[len(p) : len(p) + 1].isalnum() for p, _, _ in vocabulary("breakdown"))


def _periods_outside(fact: SentenceFacts, kinds: tuple[str, ...]) -> list[Period]:
    """Period mentions not inside a phrase of these kinds: a base (`so với cùng kỳ năm 2018`) names
    another year; a plan (`kế hoạch cả năm 2021`) states a year but does not date the figure."""
    phrases = [p for p in fact.phrases if p.kind in kinds]
    return [p for p in fact.periods if not any(b.start < p.end and p.start < b.end for b in phrases)]


STATED_YEAR_EXCLUDES = ("change_base", "price_basis")
DATING_EXCLUDES = ("change_base", "price_basis", "plan")


def _dominant_place(title: str, facts: list[SentenceFacts]) -> Optional[str]:
    """The article's place: the one its title names, else the province the body names most."""
    in_title = {p.code for p in find_places(title, search_form(title))}
    if len(in_title) == 1:
        return in_title.pop()
    counts: Counter[str] = Counter()
    for code in in_title - {"VN"}:
        counts[code] += 2
    for fact in facts:
        counts.update(p.code for p in fact.places if p.code != "VN")
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


def _resolve_sentence(fact: SentenceFacts, context: Context, article: Article, article_id: str) -> list[Observation]:
    sentence = fact.sentence
    if sentence.paragraph != context.paragraph:
        context.paragraph, context.paragraph_place = sentence.paragraph, None
    periods = _periods_outside(fact, DATING_EXCLUDES)
    observations: list[Observation] = []
    previous: Optional[Resolved] = None
    parent = context.parent if fact.breakdown else None
    sector_cues = [c for c in fact.subjects if c.kind in ("sector", "division")]
    for statement in fact.statements:
        named_before = [c for c in sector_cues if c.end <= statement.start]
        last_named = _sector_of(named_before[-1]) if named_before else context.sector
        resolved = _resolve_statement(statement, fact, previous, parent, last_named)
        if resolved is None:
            continue
        named_bases = [r.base for r in statement.readings if r.role == "change" and r.base]
        resolved.base = named_bases[-1] if named_bases else resolved.base  # a breakdown compares like the last base named
        if resolved.sector is None and not resolved.product:
            previous = resolved  # `GRDP tăng 5%` is not an industry fact, but its breakdown measures GRDP
            continue
        rows = _observations(statement, resolved, fact, periods, context, article, article_id)
        if resolved.metric != "growth_contribution":
            previous = resolved
        observations.extend(rows)
    if previous is not None:
        context.parent = previous
    for cue in sector_cues:
        context.sector = _sector_of(cue)
    carried = [p for p in periods if not _is_horizon(fact.search, p)]
    if carried:
        context.period, context.period_position = carried[-1], sentence.start + carried[-1].start
    provinces = [p for p in fact.places if p.code != "VN"]
    if provinces:
        context.paragraph_place = provinces[-1].code
    return observations


def _sector_of(cue) -> str:
    return division_section(cue.value) if cue.kind == "division" else cue.value


def _is_horizon(search: str, period: Period) -> bool:
    before = search[max(0, period.start - 12) : period.start].rstrip()
    return before.endswith(HORIZON_WORDS)


def _resolve_statement(statement, fact, previous, parent, last_named) -> Optional[Resolved]:
    subject = statement.subject
    if subject.not_fact:
        return None
    value = statement.value()
    status = _status(fact, statement) or (parent.status if parent else None) or "actual"
    if value is not None and value.role == "contribution":
        sector = last_named if subject.anaphora else subject.sector or (previous.sector if previous else None)
        return Resolved("growth_contribution", status, None, sector, False) if sector else None
    product = is_product_statement(statement) or (
        previous is not None and previous.product and not subject.named and value is None
    )
    if product:
        metric = "inventory" if subject.metric == "inventory" else "output"
        sector = None
    else:
        metric = subject.metric if subject.metric not in (None, "output", "inventory") else None
        if metric is None and subject.metric is None:
            metric = _inherited_metric(statement, previous, parent)
        sector = subject.sector
        if subject.division:
            sector = division_section(subject.division)
        if subject.anaphora:
            sector = last_named
        if sector is None and not subject.named and previous is not None:
            sector = previous.sector
        if sector is None and not subject.named and statement.header is not None:
            sector = statement.header.sector
        if sector is None and metric in ("production_value", "iip"):
            sector = "industry"
    if metric is None:
        return None
    base = _free_base(fact, statement) or (previous.base if previous else None) or (parent.base if parent else None)
    return Resolved(metric, status, base, sector, product)


def _inherited_metric(statement: Statement, previous: Optional[Resolved], parent: Optional[Resolved]) -> Optional[str]:
    """A figure naming no metric measures what the sentence's last figure did, else what its
    list's lead-in names, else what the sentence it breaks down measured."""
    if previous is not None:
        return None if previous.product else previous.metric
    header = statement.header.metric if statement.header is not None else None
    if header is not None:
        return header if header not in ("output", "inventory") else None
    if parent is not None and not parent.product:
        return parent.metric
    return None


def _status(fact: SentenceFacts, statement: Statement) -> Optional[str]:
    """The status word nearest before the statement's first figure, outside base/plan phrases."""
    text = fact.search[: statement.start]
    best: Optional[tuple[int, str]] = None
    for phrase, value, _ in vocabulary("status"):  # longest phrase first: `ước thực hiện` before `thực hiện`
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
            inside_phrase = any(p.start <= match.start() < p.end for p in fact.phrases)
            if not inside_phrase and (best is None or match.start() > best[0]):
                best = (match.start(), value)
    return best[1] if best else None


def _free_base(fact: SentenceFacts, statement: Statement) -> Optional[str]:
    """A base phrase that qualifies a whole sentence (`So với năm 2018, ...`)."""
    figure_ends = {r.end for s in fact.statements for r in s.readings}
    for phrase in fact.phrases:
        if phrase.kind == "change_base" and phrase.end <= statement.start and phrase.end not in figure_ends:
            return phrase.value
    return None


def _observations(statement, resolved, fact, periods, context, article, article_id) -> list[Observation]:
    sentence = fact.sentence
    period = _period(statement, periods, context, article, sentence)
    if period is None:
        return []
    period_start, period_end = period.months()
    geo_code, geo_name = geo_for(_place(statement, fact, context, article), period_end)
    product, sector, division = None, resolved.sector, None
    if resolved.product:
        region = fact.search[statement.region_start : statement.region_end]
        info = statement.subject.product or product_info(region)
        if info is None:
            return []
        product, sector = _as_written(fact, statement, info.name), info.section
    elif statement.subject.division and not statement.subject.anaphora:
        division = statement.subject.division
    price = next(
        (p.value for p in fact.phrases if p.kind == "price_basis" and statement.clause_start <= p.start < statement.end),
        None,
    )
    value = statement.value()
    unit = value.quantity.unit if value else None
    if value is not None and unit not in METRIC_UNITS["growth_contribution" if value.role == "contribution" else resolved.metric]:
        return []
    metric = "growth_contribution" if value is not None and value.role == "contribution" else resolved.metric
    plan = next((r.quantity.number for r in statement.readings if r.role == "plan"), None)
    changes = [r for r in statement.readings if r.role == "change"] or [None]
    rows = []
    for change in changes:
        base = (change.base or resolved.base) if change is not None else None
        if value is None and change is None and plan is None:
            continue
        rows.append(
            Observation(
                article_id=article_id,
                geo_code=geo_code,
                geo_name=geo_name,
                period_start=period_start,
                period_end=period_end,
                sector=sector,
                division=division,
                product=product,
                metric=metric,
                value=_tidy(value.amount if value and value.role == "contribution" else value.quantity.value) if value else None,
                unit=unit,
                bound=value.quantity.bound if value else None,
                change_pct=change.change_pct if change else None,
                change_base=base if change else None,
                plan_pct=plan,
                status=resolved.status,
                price_basis=price,
                evidence=sentence.text,
                span=(sentence.start, sentence.end),
                parser_version=PARSER_VERSION,
            )
        )
    return rows


def _as_written(fact: SentenceFacts, statement: Statement, name: str) -> str:
    """The product in the article's own spelling (lower case), not the folded search form."""
    position = fact.search.rfind(name, 0, statement.region_end)
    if position < 0:
        return name
    return lower_same_length(fact.sentence.text[position : position + len(name)])


def _tidy(value: float) -> float:
    return float(f"{value:.12g}")


def _period(statement, periods, context, article, sentence) -> Optional[Period]:
    before = [p for p in periods if p.start < statement.start]
    after = [p for p in periods if p.start >= statement.start]
    period = before[-1] if before else (after[0] if after else context.period)
    if period is None:
        return None
    position = sentence.start + period.start if (before or after) else context.period_position
    return resolve_year(period, position, article.stated_years, article.published)


def _place(statement, fact, context, article) -> Optional[str]:
    before = [p for p in fact.places if p.end <= statement.start]
    if before:
        return before[-1].code
    return context.paragraph_place or article.dominant_place


def _deduplicate(observations: list[Observation], headline_end: int) -> list[Observation]:
    """One statement, one row: a figure repeated in the body is kept once, and a headline
    figure that the body states too (with its base and status) gives way to the body's."""
    seen: dict[tuple, Observation] = {}
    for obs in observations:
        key = (*_subject_key(obs), obs.value, obs.change_pct, obs.change_base, obs.plan_pct, obs.status)
        seen.setdefault(key, obs)
    kept = list(seen.values())
    body = [o for o in kept if o.span[0] >= headline_end]
    return [o for o in kept if o.span[0] >= headline_end or not any(_restates(o, b) for b in body)]


def _restates(headline: Observation, body: Observation) -> bool:
    """A headline figure restates a body figure of the same subject when what it gives agrees."""
    return _subject_key(headline) == _subject_key(body) and all(
        getattr(headline, f) is None or getattr(headline, f) == getattr(body, f) for f in ("value", "change_pct", "plan_pct")
    )


def _subject_key(obs: Observation) -> tuple:
    return (obs.geo_code, obs.period_start, obs.period_end, obs.sector, obs.division, obs.product, obs.metric)
