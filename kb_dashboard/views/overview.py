"""Overview: the size of the KB, who speaks most, who is accused most, activity over time.
Every number opens the statements behind it."""

from __future__ import annotations

import altair as alt
import components as ui
import pandas as pd
import streamlit as st

from kb import query
from kb_dashboard.logic import href, md, period_label, time_series

st.title("Who said what")
bucket = st.session_state.get("ov_bucket") or "month"
stats, speakers, accused, series, latest = ui.q_all(
    (query.stats,), (query.top_speakers, 10), (query.most_accused, 10),
    (query.statements_over_time, bucket), (query.list_documents, None, 8))

if not stats["documents"]:
    st.info("The KB is empty. Ingest documents with `kb ingest PATH` or on the Ingest page.")
    st.stop()

first, last = stats.get("first_published"), stats.get("last_published")
ui.tiles([
    ("documents", stats["documents"], href("documents", **ui.edit_param())),
    ("statements", stats["statements"] - stats["flagged"], href("statements", **ui.edit_param())),
    ("actors", stats["actors"], href("actor", **ui.edit_param())),
    ("sources", stats["sources"], None),
    ("published", period_label(first, last), None),
] + ([("flagged as wrong", stats["flagged"], href("flagged", **ui.edit_param()))] if stats["flagged"] else []))


def ranking(title: str, rows: list[dict], link: dict, icon: str) -> None:
    st.subheader(title)
    if not rows:
        st.caption("None yet.")
        return
    top = rows[0]["count"]
    for r in rows:
        a, b = st.columns([4, 1], vertical_alignment="center")
        with a:
            st.page_link(ui.PAGES["actor"], label=md(r["actor"]), icon=icon,
                         query_params={"actor": r["actor_id"]})
        b.page_link(ui.PAGES["statements"], label=f"{r['count']:,}", help="Open these statements",
                    query_params={link["param"]: r["actor"], **link["extra"]})
        a.progress(r["count"] / top)


c = st.columns(2, gap="large")
with c[0]:
    ranking("Top speakers", speakers,
            {"param": "speaker", "extra": {}}, ":material/record_voice_over:")
with c[1]:
    ranking("Most accused", accused,
            {"param": "target", "extra": {"role": "accused"}}, ":material/gps_fixed:")

st.subheader("Statements over time")
bucket = st.segmented_control("Per", ["day", "week", "month", "year"], default="month",
                              key="ov_bucket") or "month"
dated, undated = time_series(series, bucket)
if dated:
    df = pd.DataFrame(dated)
    df["start"] = pd.to_datetime(df["start"])
    df["end"] = pd.to_datetime(df["end"]) + pd.Timedelta(days=1)
    chart = alt.Chart(df).mark_rect(color="#2f6fdb", stroke="white").encode(
        x=alt.X("start:T", title=None), x2="end:T", y=alt.Y("count:Q", title="statements"),
        y2=alt.datum(0),
        tooltip=[alt.Tooltip("period:N", title=bucket), alt.Tooltip("count:Q", title="statements")])
    st.altair_chart(chart, height=260, width="stretch")
    busiest = sorted(dated, key=lambda r: -r["count"])[:6]
    st.caption("Busiest: " + " · ".join(
        f"[{r['period']} ({r['count']:,})]({href('statements', **{'from': r['start'], 'to': r['end']})})"
        for r in busiest))
if undated:
    st.caption(f"{undated:,} statements come from undated documents (not on the time axis).")

c = st.columns(2, gap="large")
with c[0]:
    st.subheader("Claim types")
    ui.tiles([(ct.replace("_", " "), n, href("statements", claim_type=ct, **ui.edit_param()))
              for ct, n in stats["by_claim_type"].items()])
with c[1]:
    st.subheader("Latest documents")
    for d in latest.rows:
        a, b = st.columns([5, 1], vertical_alignment="center")
        with a:
            ui.document_link(d["id"], d["title"] or d["path"],
                             suffix=f" · {d['published']}" if d["published"] else " · undated")
        b.page_link(ui.PAGES["statements"], label=f"{d['statements']:,}", help="Its statements",
                    query_params={"document": d["id"]})
