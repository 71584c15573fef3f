"""Dates and titles at ingest: file names, URLs, headlines, a metadata sidecar, http(s) URLs only."""

from __future__ import annotations

from datetime import date

import pytest

from kb.ingest import RawDocument, read_paths
from kb.ingest.complete import complete, file_name, safe_url
from kb.ingest.dates import date_from_name, date_from_url
from kb.ingest.sidecar import SidecarError, read_sidecar
from kb.metadata import headline


def test_dates_from_file_names_need_a_whole_valid_date():
    assert date_from_name("breitbart_2016-09-12_stealth-over-health.txt") == date(2016, 9, 12)
    assert date_from_name("report_2021_03_07.txt") == date(2021, 3, 7)
    assert date_from_name("scan.2019.11.30.html") == date(2019, 11, 30)
    assert date_from_name("2016-13-40_bad.txt") is None  # no month 13
    assert date_from_name("id_20160912345.txt") is None  # a number, not a date
    assert date_from_name("annual-2016.txt") is None  # a year alone
    assert date_from_name("a_2016-09-12-b_2017-01-01") == date(2016, 9, 12)


def test_dates_from_urls():
    assert date_from_url("https://news.example/2016/09/12/story.html") == date(2016, 9, 12)
    assert date_from_url("https://news.example/politics/2016-09-12-story") == date(2016, 9, 12)
    assert date_from_url("https://news.example/2016/09/story") is None
    assert date_from_url(None) is None


def test_headline_is_a_short_first_paragraph_of_one_line():
    assert headline("Dam talks collapse as both sides trade blame.\n\nThe talks broke down.") == \
        "Dam talks collapse as both sides trade blame"
    assert headline("  Farmers march on Halden\r\n\r\nHALDEN (Wire) - ...") == "Farmers march on Halden"
    assert headline("The minister said on Monday that the port would reopen.") is None  # no break
    long_first = "The minister said on Monday that the port would reopen, and that " * 3
    assert headline(long_first + "\n\nMore.") is None
    assert headline("March 15, 2023\n\nText.") is None  # a dateline


def test_only_http_urls_are_kept():
    assert safe_url("https://a.example/x") == ("https://a.example/x", None)
    assert safe_url("HTTP://a.example") == ("HTTP://a.example", None)
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
                "file:///etc/passwd", "//evil.example/x", "https://", "vbscript:x"):
        url, warning = safe_url(bad)
        assert url is None and "only http(s) URLs are kept" in warning, bad
    assert safe_url(None) == (None, None) and safe_url("  ") == (None, None)


def test_complete_fills_title_and_date_never_from_the_folder():
    doc = complete(RawDocument(text="Some text without a headline, said the minister on Monday.",
                               path="/srv/secret/inbox/outlet_2020-02-03_slug.txt"))
    assert doc.title == "outlet_2020-02-03_slug.txt" and doc.published == "2020-02-03"
    assert "/srv" not in doc.title
    doc = complete(RawDocument(text="x", path="a.jsonl#3", url="javascript:alert(1)"))
    assert doc.url is None and doc.warnings and doc.title == "a.jsonl"
    assert file_name("upload:note.txt") == "note.txt" and file_name("/a/b.csv#4") == "b.csv"
    # a date in the URL wins over the file name; the document's own date wins over both
    doc = complete(RawDocument(text="x", path="n_2020-01-01.txt", url="https://a.example/2019/05/06/s"))
    assert doc.published == "2019-05-06"
    doc = complete(RawDocument(text="x", path="n_2020-01-01.txt", published="2018-01-01"))
    assert doc.published == "2018-01-01"


def test_sidecar_rows_override_and_bad_rows_are_one_line_errors(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text("The minister said the port would reopen.\n", encoding="utf-8")
    (tmp_path / "docs" / "b.txt").write_text("Headline here\n\nThe union said no.\n", encoding="utf-8")
    meta = tmp_path / "docs" / "meta.tsv"  # beside the documents: never read as one
    meta.write_text("File\tTitle\tDate\tSource\tURL\n"
                    "a.txt\tPort to reopen\t2021-04-05\tThe Courier\thttps://c.example/a\n"
                    "b.txt\t\tsoon\t\t\n"
                    "c.txt\tNo such file\t\t\t\n"
                    "a.txt\tTwice\t\t\t\n"
                    "short\trow\n", encoding="utf-8")
    sidecar = read_sidecar(meta)
    assert sidecar.errors == [
        f"{meta}:3: unreadable date 'soon'",
        f"{meta}:5: 'a.txt' is listed twice (line 2 kept)",
        f"{meta}:6: 2 fields, the header has 5",
    ]
    docs = {d.path.rsplit("/", 1)[-1]: d for d in read_paths([tmp_path / "docs"], metadata=sidecar)}
    assert set(docs) == {"a.txt", "b.txt"}
    a = docs["a.txt"]
    assert (a.title, a.published, a.source, a.url) == ("Port to reopen", "2021-04-05", "The Courier",
                                                       "https://c.example/a")
    assert docs["b.txt"].title == "Headline here"
    assert sidecar.unused() == [f"{meta}:4: no document read from 'c.txt'"]


def test_sidecar_that_cannot_be_used_is_refused(tmp_path):
    with pytest.raises(SidecarError, match="no such file"):
        read_sidecar(tmp_path / "missing.csv")
    bad = tmp_path / "m.csv"
    bad.write_text("title,date\nx,2020-01-01\n", encoding="utf-8")
    with pytest.raises(SidecarError, match="no file-name column"):
        read_sidecar(bad)


def test_kb_ingest_with_a_metadata_sidecar(tmp_path, monkeypatch):
    from conftest import kb_cli

    docs = tmp_path / "in"
    docs.mkdir()
    (docs / "wire_2022-06-01_port.txt").write_text(
        "Port reopens after strike.\n\nThe minister said the port would reopen on Monday.\n", encoding="utf-8")
    (docs / "memo.txt").write_text("The union said the strike was over.\n", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("file,title,date,source,url\nmemo.txt,Union memo,2022-06-02,Union,javascript:x\n"
                    "memo.txt,again,,,\n", encoding="utf-8")
    run = kb_cli(f"sqlite:///{tmp_path / 'kb.sqlite'}", monkeypatch)
    result = run("ingest", "-q", str(docs), "--metadata", str(meta), code=1)  # a bad row: exit 1
    assert f"{meta}:3: 'memo.txt' is listed twice" in result.stderr
    assert "only http(s) URLs are kept" in result.stderr
    assert "documents: 2 new" in result.stderr
    rows = run("documents", "--format", "csv").stdout.splitlines()
    assert any(",2022-06-01,,Port reopens after strike," in r for r in rows)
    assert any(",2022-06-02,Union,Union memo," in r for r in rows)
    run("ingest", "-q", str(docs), "--metadata", str(tmp_path / "nope.csv"), code=2)
