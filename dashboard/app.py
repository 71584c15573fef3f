"""kb dashboard (placeholder until the dashboard issue lands)."""

import streamlit as st

st.set_page_config(page_title="kb", layout="wide")
st.title("kb: who said what")
