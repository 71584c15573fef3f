"""Work done once when `kb dashboard` starts, beside the server, so the first page an analyst
opens does not pay for it: the heavy imports every page shares, and a first look at the KB
(engine, schema check, the counters the overview reads)."""

from __future__ import annotations


def warm_up() -> None:
    import altair  # noqa: F401
    import networkx  # noqa: F401
    import pandas  # noqa: F401

    # Not st_link_analysis: a Streamlit component registers itself when imported, which must
    # happen inside the running app (imported here, its frontend was never served).
    from kb import query
    from kb.config import get_settings
    from kb.db import session_scope
    from kb_dashboard import logic, queries  # noqa: F401

    try:
        with session_scope(get_settings().database_url) as s:
            query.store_state(s)
            query.stats(s)
            query.top_speakers(s, 10)
    except Exception:  # noqa: BLE001  (the page itself will say what is wrong with the KB)
        pass


BOOT = ("import sys, threading\n"
        "from kb_dashboard.warm import warm_up\n"
        "threading.Thread(target=warm_up, daemon=True, name='kb-warm-up').start()\n"
        "from streamlit.web.cli import main\n"
        "sys.argv[0] = 'streamlit'\n"
        "sys.exit(main())\n")
