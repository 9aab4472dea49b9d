"""The report page: plotly charts (plotly.js inlined once, so the file works offline) in a Jinja
template, with the data's freshness and the review queue."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from importlib import resources

import jinja2
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from vnindustry.report.data import ReportData

LAYOUT = dict(template="plotly_white", height=420, margin=dict(l=160, r=30, t=60, b=50), font=dict(size=12))


def by_metric(rows: list[dict], metric: str, field: str) -> list[dict]:
    return [r for r in rows if r["metric"] == metric and r[field] is not None]


def empty(figure: go.Figure) -> go.Figure:
    figure.add_annotation(text="No figures yet", showarrow=False, font=dict(size=16), xref="paper", yref="paper", x=0.5, y=0.5)
    return figure


def lines_by_province(rows: list[dict], title: str, axis: str) -> go.Figure:
    """One line per province over the years."""
    figure = go.Figure(layout=dict(title=title, yaxis_title=axis, xaxis=dict(title="year", dtick=1), **LAYOUT))
    series = defaultdict(list)
    for row in rows:
        series[row["province_name"]].append((row["year"], row["value"]))
    for province, points in sorted(series.items()):
        years, values = zip(*sorted(points))
        figure.add_trace(go.Scatter(x=years, y=values, name=province, mode="lines+markers"))
    return figure if series else empty(figure)


def heatmap_by_province(rows: list[dict], title: str) -> go.Figure:
    """Province x year, colour = change in percent (red below zero, blue above)."""
    figure = go.Figure(layout=dict(title=title, xaxis=dict(title="year", dtick=1), **LAYOUT))
    if not rows:
        return empty(figure)
    provinces = sorted({r["province_name"] for r in rows}, reverse=True)
    years = sorted({r["year"] for r in rows})
    cells = {(r["province_name"], r["year"]): r["change_pct"] for r in rows}
    z = [[cells.get((p, y)) for y in years] for p in provinces]
    figure.add_trace(go.Heatmap(z=z, x=years, y=provinces, colorscale="RdBu", zmid=0, colorbar=dict(title="%"),
                                hovertemplate="%{y} %{x}: %{z:+.1f}%<extra></extra>", texttemplate="%{z:+.1f}"))
    figure.update_layout(height=max(300, 40 * len(provinces) + 120))
    return figure


def best_covered_year(rows: list[dict]) -> int:
    """The year most provinces have a figure for (the latest of equals): rankings compare one year."""
    provinces = defaultdict(set)
    for row in rows:
        provinces[row["year"]].add(row["province_name"])
    return max(provinces, key=lambda year: (len(provinces[year]), year))


def ranked_by_region(rows: list[dict]) -> go.Figure:
    """Production value per province in the best-covered year, ranked, one colour per region."""
    title = "Production value of industry: provinces ranked, coloured by region"
    figure = go.Figure(layout=dict(title=title, xaxis_title="bn VND", **LAYOUT))
    if not rows:
        return empty(figure)
    year = best_covered_year(rows)
    latest = sorted((r for r in rows if r["year"] == year), key=lambda r: r["value"])
    figure.update_layout(title=f"{title} ({year})", height=max(300, 28 * len(latest) + 140), barmode="overlay")
    for region in sorted({r["region"] or "(34-province list)" for r in latest}):
        members = [r for r in latest if (r["region"] or "(34-province list)") == region]
        figure.add_trace(go.Bar(x=[r["value"] for r in members], y=[r["province_name"] for r in members],
                                orientation="h", name=region))
    figure.update_yaxes(categoryorder="array", categoryarray=[r["province_name"] for r in latest])
    return figure


def product_output(rows: list[dict]) -> go.Figure:
    """Product output in the best-covered year, by product (in its unit) and province; a log axis,
    since units differ."""
    figure = go.Figure(layout=dict(title="Product output (each in its unit)", xaxis_type="log", **LAYOUT))
    if not rows:
        return empty(figure)
    year = best_covered_year(rows)
    latest = [r for r in rows if r["year"] == year]
    figure.update_layout(title=f"Product output {year} (each in its unit)", height=max(300, 28 * len(latest) + 140))
    for province in sorted({r["province_name"] for r in latest}):
        members = [r for r in latest if r["province_name"] == province]
        figure.add_trace(go.Bar(x=[r["value"] for r in members], y=[f"{r['product']} ({r['unit']})" for r in members],
                                orientation="h", name=province))
    return figure


def charts(data: ReportData) -> list[tuple[str, go.Figure]]:
    production = by_metric(data.headline, "production_value", "value")
    return [
        ("production-value", lines_by_province(production, "Production value of industry by province (bn VND)", "bn VND")),
        ("iip-change", heatmap_by_province(by_metric(data.headline, "iip", "change_pct"),
                                           "Index of industrial production: change on the year before (%)")),
        ("value-added-growth", heatmap_by_province(by_metric(data.headline, "value_added", "change_pct"),
                                                   "Value added of industry: growth (%)")),
        ("ranked-by-region", ranked_by_region(production)),
        ("product-output", product_output(data.products)),
    ]


def render(data: ReportData) -> str:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    template = environment.from_string(resources.files("vnindustry.report").joinpath("report.html.j2").read_text("utf-8"))
    figures = [(name, figure.to_html(full_html=False, include_plotlyjs=False, div_id=name,
                                     config={"displaylogo": False, "responsive": True}))
               for name, figure in charts(data)]
    return template.render(plotly_js=get_plotlyjs(), figures=figures, freshness=data.freshness, review=data.review,
                           generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
