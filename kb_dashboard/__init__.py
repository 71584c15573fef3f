"""kb's dashboard: a Streamlit app shipped with kb and started with ``kb dashboard``.

``app.py`` is the script Streamlit runs; its pages are in ``views/`` (run as scripts by
``st.navigation``, so they import their neighbours ``components`` and ``edits`` by plain name);
``logic.py`` holds what the clicks mean as plain functions, tested without a browser.
"""

from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
