"""The reader: `parse_article(event) -> list[Observation]`, pure and versioned.

Sound stages at the ends: text (normalise, search forms, boilerplate, sentences with offsets),
numbers, periods and one lexicon pass per article. In the middle, four mechanisms, each a
module: clause structure (clauses), names (names, figures, statements), attachment (attach)
and discourse state (discourse). Every row records how it was attached.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Mapping, Optional

from vnindustry.contract import PARSER_VERSION, Observation
from vnindustry.reader import clauses
from vnindustry.reader.attach import ArticleFacts, SentenceContext, is_horizon, observations, resolve
from vnindustry.reader.discourse import Topic, frame_view
from vnindustry.reader.figures import read_figures
from vnindustry.reader.geography import NATIONAL_SOURCE, home_place, source_spans
from vnindustry.reader.lexicon import Token, fold, scan
from vnindustry.reader.numbers import find_quantities
from vnindustry.reader.periods import find_dateline, find_periods
from vnindustry.reader.statements import SentenceParts, group
from vnindustry.reader.text import Forms, nfc, search_form, segment, toneless

__all__ = ["parse_article", "PARSER_VERSION"]


def parse_article(event: Mapping[str, Any]) -> list[Observation]:
    """Observations stated by one article event (`article_id`, `body`, optional `title`, `published_at`)."""
    forms = Forms.of(nfc(event.get("body") or ""))
    body, search, plain = forms.body, forms.search, forms.plain
    title = nfc(event.get("title") or "")
    sentences = segment(body)
    tokens = list(scan(body, search, plain))
    token_starts = [t.start for t in tokens]
    quantities = [q for q in find_quantities(search) if q.kind != "bare" or _CHANGE_VERB_BEFORE.search(plain, max(0, q.start - 12), q.start)]
    quantity_starts = [q.start for q in quantities]
    periods = find_periods(search)
    period_starts = [p.start for p in periods]
    published = _published(event.get("published_at"))
    article = ArticleFacts(str(event.get("article_id") or ""), published, "published")
    if published is None:
        article.published, article.published_source = find_dateline(search), "dateline"
    article.stated_years = _stated_years(periods, tokens, sentences, plain)
    headline_end = body.index(title) + len(title) if title and body.lstrip().startswith(title) else 0
    title_tokens = [t for t in tokens if t.end <= headline_end] if headline_end else list(scan(title, search_form(title), toneless(search_form(title))))
    in_sentences = [t for s in sentences for t in _between(tokens, token_starts, s.start, s.end)]
    stating = [t for s in sentences for t in _before_first_figure(s, tokens, token_starts, quantities, quantity_starts)]
    tagged = [t for s, e in source_spans(body) for t in _between(tokens, token_starts, s, e)]
    topic = Topic(home=home_place(title_tokens, in_sentences, tagged, stating))
    found: list[Observation] = []
    for sentence in sentences:
        sentence_tokens = _between(tokens, token_starts, sentence.start, sentence.end)
        sentence_quantities = _between(quantities, quantity_starts, sentence.start, sentence.end)
        sentence_periods = _between(periods, period_starts, sentence.start, sentence.end)
        if not sentence_quantities and not sentence_periods and _narrative(sentence, sentence_tokens, search):
            topic.enter_paragraph(sentence.paragraph, False)
            _remember_named(sentence_tokens, topic)
            continue
        found.extend(_read_sentence(sentence, forms, sentence_tokens, sentence_quantities, sentence_periods, topic, article))
    return _deduplicate(found, headline_end)


# `tinh bột mì tăng 39, dăm gỗ tăng 46%`: a number a change verb governs is a figure, even without its unit
_CHANGE_VERB_BEFORE = re.compile(fold(r"(?<!\w)(?:tăng|giảm)\s+$"))


def _before_first_figure(sentence, tokens, token_starts, quantities, quantity_starts) -> list[Token]:
    """The words that name the first figure of a sentence (not `… cao hơn mức tăng 2,8% của cả nước`)."""
    first = next((q for q in _between(quantities, quantity_starts, sentence.start, sentence.end) if q.kind != "bare"), None)
    return _between(tokens, token_starts, sentence.start, first.start) if first is not None else []


def _stated_years(periods, tokens: list[Token], sentences, plain: str) -> list[tuple[int, int, int]]:
    """Years the article states for its figures: not inside a base phrase, not a horizon."""
    covered = [(t.start, t.end) for t in tokens if t.has("base")]
    paragraphs = [(s.start, s.end, s.paragraph) for s in sentences]
    stated = []
    for period in periods:
        if period.year is None or period.last_year or any(s <= period.start < e for s, e in covered):
            continue
        if is_horizon(period, plain):
            continue
        where = next((p for s, e, p in paragraphs if s <= period.start < e), None)
        if where is not None:
            stated.append((period.start, period.year, where))
    return stated


def _between(items: list, starts: list[int], start: int, end: int) -> list:
    return items[bisect_left(starts, start) : bisect_left(starts, end)]


def _read_sentence(sentence, forms: Forms, tokens: list[Token], quantities, periods, topic: Topic,
                   article: ArticleFacts) -> list[Observation]:
    search, plain = forms.search, forms.plain
    units = clauses.parse(sentence.start, sentence.end, search, tokens, [(q.start, q.end) for q in quantities])
    figures = read_figures(quantities, units, tokens, plain)
    statements = group(SentenceParts(forms, tokens, periods, units, figures))
    opener = next((u.opener for u in units if u.main and u.index == 0), None)
    topic.enter_paragraph(sentence.paragraph, opener is None and _opens_new_period(statements, topic))
    context = SentenceContext(sentence, search, plain, opener, topic, article)
    context.sentence_periods = periods
    context.tokens = tokens
    rows: list[Observation] = []
    resolved = [resolve(statement, context) for statement in statements]
    coordination = _coordination_bases(statements, plain)
    for result in resolved:
        rows.extend(observations(result, context, coordination))
    heads = [r if r.statement.figures else frame_view(r, plain) for r in resolved if r.statement.unit.main]
    heads = [h if h.place is None or _frames_place(h) else replace(h, place=None) for h in heads]
    _remember_named([t for r in resolved if r.statement.unit.main for t in r.statement.tokens], topic)
    if opener != "scope" and _first_of_paragraph(sentence, topic):
        topic.section = _fronted_place(resolved, sentence, plain, topic) or topic.section
    topic.update(heads, opener)
    for result in resolved:
        period = result.period
        if result.sources.get("period") == "own" and period is not None and period.last_month - period.first_month <= 2 \
                and not period.last_year and result.statement.unit.main:
            topic.month = period
    return rows


_TOPIC_KINDS = ("metric",)


def _narrative(sentence, tokens: list[Token], search: str) -> bool:
    """A sentence with no figure, no period, no metric and no list lead-in tells the topic nothing
    but the section or branch it names (for `ngành này`): it needs no clause structure."""
    return not any(t.has(*_TOPIC_KINDS) for t in tokens) and not search[sentence.start : sentence.end].rstrip().endswith(":")


def _remember_named(tokens, topic: Topic) -> None:
    """The section or branch named last, for `ngành này`, `lĩnh vực này`; in a sentence without figures
    a cause names it too (`… nhờ sự bứt phá của ngành chế biến, chế tạo. Chỉ số của ngành này tăng 48,5%`)."""
    for token in tokens:
        if token.get("sector"):
            topic.remember_named("sector", token.get("sector").value)
        elif token.get("division"):
            topic.remember_named("division", token.get("division").value)


_FRONTED_PLACE = 40  # characters: `Trên phạm vi cả nước, …`, `Tại tỉnh Bắc Ninh, …`


def _first_of_paragraph(sentence, topic: Topic) -> bool:
    first = topic.first_sentence.get(sentence.paragraph)
    if first is None:
        topic.first_sentence[sentence.paragraph] = sentence.start
        return True
    return first == sentence.start


def _fronted_place(resolved, sentence, plain: str, topic: Topic):
    """The place a paragraph opens with, which its following paragraphs keep until another is
    named: a national section of a provincial report stays national."""
    for result in resolved:
        if not _frames_place(result):
            continue
        for token in result.statement.tokens:
            if token.start - sentence.start > _FRONTED_PLACE:
                return None
            reading = token.get("place") or token.get("national")
            if reading is not None and reading.kind == "national" and reading.weight == NATIONAL_SOURCE:
                continue  # `Cục Thống kê, Bộ Tài chính vừa công bố IIP của Nghệ An`: a source, not a frame
            if reading is not None:
                return reading.value
            if token.get("home"):
                return topic.home
    return None


def _frames_place(head) -> bool:
    """Whether a sentence's place frames what follows (`Theo Cục Thống kê tỉnh X, chỉ số …`), rather
    than being the item of a list (`Bắc Giang tăng 21%`, `các tỉnh A, B cùng tăng 6%`)."""
    statement = head.statement
    return statement.unit.index == 0 and (not statement.figures or head.own_metric) and not statement.subject.places


def _opens_new_period(statements, topic: Topic) -> bool:
    """Whether the sentence's first main statement names a period other than the topic's."""
    first = next((s for s in statements if s.unit.main), None)
    if first is None:
        return False
    limit = first.figures[0].start if first.figures else first.unit.end
    named = [p for p in first.periods if p.start < limit]
    if not named or topic.period is None:
        return bool(named) and topic.period is None and any((topic.metric, topic.status, topic.base))
    period = named[-1]
    same_months = (period.first_month, period.last_month) == (topic.period.first_month, topic.period.last_month)
    same_year = period.year is None or (period.year == topic.period.year and period.last_year == topic.period.last_year)
    return not (same_months and same_year)


_AND = fold("và ")


def _coordination_bases(statements, plain: str) -> dict[int, str]:
    """`A tăng 6,5% và B tăng 7% so với năm 2023`: a base closing a coordination speaks for
    the changes before it that name none."""
    shared: dict[int, str] = {}
    for index, statement in enumerate(statements[:-1]):
        following = statements[index + 1]
        if following.unit is not statement.unit or not following.changes() or not statement.changes():
            continue
        base = following.changes()[-1].base
        gap = plain[statement.figures[-1].end : following.figures[0].start]
        if base and gap.lstrip(" ,").startswith(_AND):
            for change in statement.changes():
                if change.base is None:
                    shared[id(change)] = base
    return shared


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


def _deduplicate(observations: list[Observation], headline_end: int) -> list[Observation]:
    """One statement, one row: a figure repeated in the body is kept once, and a headline
    figure that the body states too (with its base and status) gives way to the body's."""
    seen: dict[tuple, Observation] = {}
    for obs in observations:
        key = (*_subject_key(obs), obs.value, obs.change_pct, obs.change_base, obs.plan_pct, obs.status)
        seen.setdefault(key, obs)
    kept = list(seen.values())
    body = [o for o in kept if o.span[0] >= headline_end]
    kept = [o for o in kept if o.span[0] >= headline_end or not any(_restates(o, b) for b in body)]
    return [o for o in kept if not any(_less_said(o, other) for other in kept)]


def _less_said(row: Observation, other: Observation) -> bool:
    """The same change stated twice, once without its base (a lead restating the figure a later
    paragraph gives in full): one statement, one row."""
    return (row is not other and row.change_base is None and other.change_base is not None
            and row.change_pct is not None and _subject_key(row) == _subject_key(other)
            and (row.value, row.change_pct, row.plan_pct) == (other.value, other.change_pct, other.plan_pct))


def _restates(headline: Observation, body: Observation) -> bool:
    """A headline figure restates a body figure of the same subject when what it gives agrees."""
    return _subject_key(headline) == _subject_key(body) and all(
        getattr(headline, f) is None or getattr(headline, f) == getattr(body, f) for f in ("value", "change_pct", "plan_pct")
    )


def _subject_key(obs: Observation) -> tuple:
    return (obs.geo_code, obs.period_start, obs.period_end, obs.sector, obs.division, obs.product, obs.metric)
