"""Overview: the size of the KB, who speaks most, who is accused most, activity over time."""

from __future__ import annotations

import components as ui
import pandas as pd
import streamlit as st

from kb import query
from kb_dashboard.logic import period_label

st.title("Who said what")
bucket = st.session_state.get("ov_bucket") or "month"
stats, speakers, accused, series, latest = ui.q_all(
    (query.stats,), (query.top_speakers, 10), (query.most_accused, 10),
    (query.statements_over_time, bucket), (query.list_documents, None, 8))

if not stats["documents"]:
    st.info("The KB is empty. Ingest documents with `kb ingest PATH` or on the Ingest page.")
    st.stop()

m = st.columns([1, 1, 1, 1, 1.4])  # the publication span needs more room than a count
m[0].metric("Documents", f"{stats['documents']:,}")
m[1].metric("Statements", f"{stats['statements'] - stats['flagged']:,}",
            help=f"{stats['flagged']:,} flagged as wrong are left out" if stats["flagged"] else None)
m[2].metric("Actors", f"{stats['actors']:,}")
m[3].metric("Sources", f"{stats['sources']:,}")
first, last = stats.get("first_published"), stats.get("last_published")
m[4].metric("Published", period_label(first, last),
            help=f"First and last publication date: {first} – {last}" if first and last else None)


def ranking(title: str, rows: list[dict], link: dict, icon: str) -> None:
    st.subheader(title)
    if not rows:
        st.caption("None yet.")
        return
    top = rows[0]["count"]
    for r in rows:
        a, b = st.columns([4, 1], vertical_alignment="center")
        with a:
            st.page_link(ui.PAGES["actor"], label=r["actor"], icon=icon,
                         query_params={"actor": r["actor_id"]})
        b.page_link(ui.PAGES["statements"], label=f"{r['count']:,}",
                    help="Open these statements", query_params={link["param"]: r["actor"], **link["extra"]})
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
dated = [r for r in series if r["period"] != "undated"]
if dated:
    st.bar_chart(pd.DataFrame(dated), x="period", y="count", height=260)
undated = sum(r["count"] for r in series if r["period"] == "undated")
if undated:
    st.caption(f"{undated:,} statements come from undated documents.")

c = st.columns(2, gap="large")
with c[0]:
    st.subheader("Claim types")
    st.dataframe(pd.DataFrame({"claim type": list(stats["by_claim_type"]),
                               "statements": list(stats["by_claim_type"].values())}),
                 hide_index=True, width="stretch")
with c[1]:
    st.subheader("Latest documents")
    for d in latest.rows:
        ui.document_link(d["id"], f"{d['title'] or d['path']} · {d['statements']} statements"
                         + (f" · {d['published']}" if d["published"] else ""))
