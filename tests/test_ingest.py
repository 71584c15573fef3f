"""Readers: each format, metadata, datelines and dates, encodings, splitting, streaming."""

from __future__ import annotations

import csv
import hashlib
import json
import tracemalloc
from datetime import date

import pytest

from kb.ingest import IngestError, RawDocument, iter_files, read_paths
from kb.ingest.split import split_text
from kb.metadata import looks_like_headline, parse_date, parse_dateline, read_header
from tests.conftest import SAMPLES, SEED_TEXT


def read(*paths, max_doc_chars: int = 1_000_000) -> list[RawDocument | IngestError]:
    return list(read_paths(paths, max_doc_chars=max_doc_chars))


def docs(*paths, **kw) -> list[RawDocument]:
    items = read(*paths, **kw)
    assert all(isinstance(i, RawDocument) for i in items), items
    return items


# --- formats -------------------------------------------------------------------------------

def test_seed_txt_is_read_verbatim_with_headline_and_dateline():
    [d] = docs(SEED_TEXT)
    assert d.text == SEED_TEXT.read_text(encoding="utf-8")
    assert d.title == "Coalition News"
    assert d.published == "2017-09-27"
    assert d.path == str(SEED_TEXT)
    assert d.warnings == []


def test_txt_keeps_crlf_so_offsets_match_the_file(tmp_path):
    p = tmp_path / "crlf.txt"
    p.write_bytes(b"Port closed\r\n\r\nROTH said: \"No.\"\r\n")
    [d] = docs(p)
    assert d.text == "Port closed\r\n\r\nROTH said: \"No.\"\r\n"
    assert d.text.index("ROTH") == 15


def test_html_main_text_without_tags_or_page_chrome():
    [d] = docs(SAMPLES / "002_coastal_watch_report.html")
    assert d.title == "Coastal Watch report says cod stocks near collapse (fictional sample)"
    assert d.published == "2024-02-02"
    assert d.source == "Velorian Press Agency"
    assert d.url == "https://vpa.example/news/2024/02/02/coastal-watch-cod-report"
    assert '"The northern grounds are weeks, not years, from collapse," said Ilse Varga' in d.text
    for chrome in ("cookies", "Sign in", "Most read", "All rights reserved", "newsletter", "Politics |"):
        assert chrome not in d.text
    assert "<" not in d.text and ">" not in d.text
    # One paragraph per block, blank lines between: the headline is not glued to sentence one.
    assert d.text.startswith("Coastal Watch report says cod stocks near collapse (fictional sample)\n\nCod stocks")


def test_html_without_html_element_is_fine(tmp_path):
    p = tmp_path / "frag.htm"
    p.write_text("<p>Minister Ana Roth said the harbour would reopen in June, officials said on Monday.</p>"
                 "<p>Wierling welcomed the news and said Kestrany would drop the tariffs.</p>", encoding="utf-8")
    [d] = docs(p)
    assert "Ana Roth said the harbour would reopen" in d.text and "<p>" not in d.text


def test_jsonl_records_with_metadata_in_many_date_formats(tmp_path):
    p = tmp_path / "feed.jsonl"
    records = [
        {"text": "Roth said the port was closed.", "title": "A", "url": "https://x.example/a",
         "published": "Sept. 27, 2017", "source": "Amsel Courier"},
        {"Text": "Wierling said no.", "Date": "Wed, 27 Sep 2017 10:00:00 GMT"},  # synonyms, any case
        {"text": "Pell said yes.", "published": 1506470400},
        {"text": "Varga said maybe.", "published": "27/09/2017"},
    ]
    p.write_text("\n".join(json.dumps(r) for r in records) + "\n\n", encoding="utf-8")
    ds = docs(p)
    assert [d.path for d in ds] == [f"{p}#1", f"{p}#2", f"{p}#3", f"{p}#4"]
    assert [d.published for d in ds] == ["2017-09-27"] * 4
    assert (ds[0].title, ds[0].url, ds[0].source) == ("A", "https://x.example/a", "Amsel Courier")
    assert ds[1].text == "Wierling said no."


def test_record_without_published_takes_the_dateline_and_headline(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"text": "Harbour reopens\n\nPORT AMSEL, 1 June 2024 (VPA) - Roth said it reopened."}) + "\n")
    [d] = docs(p)
    assert (d.title, d.published, d.source) == ("Harbour reopens", "2024-06-01", "VPA")


def test_bad_published_date_is_a_warning_not_an_error(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"text": "Roth said so.", "published": "last Tuesday"}) + "\n")
    [d] = docs(p)
    assert d.published is None
    assert d.warnings == ["published: unreadable date 'last Tuesday'; stored without a date"]


def test_json_array_and_single_object(tmp_path):
    arr, one = tmp_path / "arr.json", tmp_path / "one.json"
    arr.write_text(json.dumps([{"text": "One said."}, {"text": "Two said.", "title": "T"}]))
    one.write_text(json.dumps({"text": "Only said.", "published": "2024-05-15"}))
    a1, a2, o = docs(arr, one)
    assert (a1.path, a2.path, a2.title, o.path, o.published) == (f"{arr}#1", f"{arr}#2", "T", str(one), "2024-05-15")


def test_csv_with_quoted_multiline_text_and_line_numbers(tmp_path):
    p = tmp_path / "archive.csv"
    with p.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Title", "Published", "Text", "extra"])
        w.writerow(["First", "15/05/2024", 'Roth said, "Yes, we agree."\n\nWierling agreed.', "x"])
        w.writerow(["Second", "2024-05-16", "Pell said no.", ""])
    first, second = docs(p)
    assert first.text == 'Roth said, "Yes, we agree."\n\nWierling agreed.'
    assert (first.title, first.published, first.path) == ("First", "2024-05-15", f"{p}#2")
    assert second.path == f"{p}#5"  # the line where the record starts


def test_all_samples_read_with_titles_dates_and_fictional_marks():
    ds = docs(SAMPLES)
    assert len(ds) == 10
    assert [d.published for d in ds] == ["2017-09-27", "2024-01-14", "2024-02-02", "2024-02-20",
                                         "2024-03-11", "2024-04-03", "2024-05-15", "2024-06-03",
                                         "2024-06-10", "2024-06-24"]
    assert all(d.title and d.title.endswith("(fictional sample)") for d in ds[1:])
    assert ds[1].source == "Amsel Courier"  # from "PORT AMSEL, Jan. 14, 2024 (Amsel Courier) —"


def test_semicolon_and_tab_separated_csv(tmp_path):
    semi, tab = tmp_path / "semi.csv", tmp_path / "tab.csv"
    semi.write_text('Titel;text;published\nA;"Roth sagte; ja.";2024-01-02\n', encoding="utf-8")
    tab.write_text("text\tpublished\nRoth said, twice.\t2024-01-03\n", encoding="utf-8")
    a, b = docs(semi, tab)
    assert (a.text, a.published, b.text, b.published) == ("Roth sagte; ja.", "2024-01-02", "Roth said, twice.", "2024-01-03")


# --- encodings -----------------------------------------------------------------------------

def test_cp1252_file_is_decoded_with_a_warning(tmp_path):
    text = "Le ministre a déclaré à la presse : « Nous refusons ce traité », selon l’agence. Ça coûte cher.\n"
    p = tmp_path / "latin.txt"
    p.write_bytes(text.encode("cp1252"))
    [d] = docs(p)
    assert d.text == text
    assert d.warnings == ["not UTF-8: decoded as cp1252"]


def test_cp1251_russian_file_is_decoded_as_cp1251(tmp_path):
    text = "Министр Анна Рот заявила, что порт останется закрытым. «Мы не уступим давлению», — сказала она.\n"
    p = tmp_path / "ru.txt"
    p.write_bytes(text.encode("cp1251"))
    [d] = docs(p)
    assert (d.text, d.warnings) == (text, ["not UTF-8: decoded as cp1251"])


def test_utf16_with_bom(tmp_path):
    p = tmp_path / "u16.txt"
    p.write_text("Headline here\n\nRoth said «oui».", encoding="utf-16")
    [d] = docs(p)
    assert d.text == "Headline here\n\nRoth said «oui»." and d.title == "Headline here"


def test_nul_bytes_far_into_a_text_file_refuse_it_whole(tmp_path):
    p = tmp_path / "late.txt"
    p.write_bytes(b"Roth said. " * 10_000 + b"\x00\x01\x02")
    [e] = read(p, max_doc_chars=1000)  # no part is handed on before the whole file is checked
    assert str(e) == f"{p}: binary data (NUL character at byte offset 110000), not text"


def test_utf8_bom_is_not_part_of_the_text(tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes("\ufeffRoth said.".encode("utf-8"))
    [d] = docs(p)
    assert d.text == "Roth said." and d.warnings == []


# --- headline, dateline, dates -------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("27 September 2017 In Coalition News", (date(2017, 9, 27), None)),
    ("WASHINGTON (Reuters) - The senator said on Tuesday...", (None, "Reuters")),
    ("BEIRUT, Sept. 27, 2017 (AP) — Officials said the talks had failed.", (date(2017, 9, 27), "AP")),
    ("PORT AMSEL, Jan. 14, 2024 (Amsel Courier) — The government closed the harbour.", (date(2024, 1, 14), "Amsel Courier")),
    ("Posted on 2017-09-27 by admin", (date(2017, 9, 27), None)),
    ("September 27th, 2017", (date(2017, 9, 27), None)),
    ("Wednesday 27 September 2017", (date(2017, 9, 27), None)),
    ("LONDON, 5 March 2024 - The minister said", (date(2024, 3, 5), None)),
])
def test_datelines(line, expected):
    assert parse_dateline(line) == expected


@pytest.mark.parametrize("line", [
    # A date inside the story's first long sentence is an event, not the publication date.
    "On 12 March 2019, the army shelled the town, killing 20 people and destroying homes across the north of the region.",
    "NEW YORK — The mayor said on Tuesday that the budget was balanced.",
    "The minister said 31 September 2017 was the deadline.",  # no such day, and not a dateline
])
def test_not_datelines(line):
    found = parse_dateline(line)
    assert found is None or found == (None, None)


@pytest.mark.parametrize("line, headline", [
    ("Coalition News", True),
    ("Kestrany threatens tariffs as harbour row deepens", True),
    ("Is the accord dead?", True),
    ("The minister said the harbour would stay closed until the summer.", False),
    ("27 September 2017", False),
    ("a lowercase fragment", False),
])
def test_headlines(line, headline):
    assert looks_like_headline(line) is headline


def test_header_of_a_single_line_text_has_no_title():
    assert read_header("Coalition News").title is None
    assert read_header("").title is None


@pytest.mark.parametrize("value, expected", [
    ("2017-09-27", date(2017, 9, 27)),
    ("2017-09-27T23:30:00+02:00", date(2017, 9, 27)),  # the date as written, not shifted to UTC
    ("27 September 2017", date(2017, 9, 27)),
    ("Sept. 27, 2017", date(2017, 9, 27)),
    ("Wed, 27 Sep 2017 10:00:00 GMT", date(2017, 9, 27)),
    ("27/09/2017", date(2017, 9, 27)),
    ("20170927", date(2017, 9, 27)),
    (1506470400, date(2017, 9, 27)),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value, why", [
    ("yesterday", "unreadable"), ("September 2017", "incomplete"), ("2017", "incomplete"),
    ("", "empty"), ("31/02/2017", "unreadable"), ("1066-10-14", "implausible"), (True, "not a date"),
])
def test_parse_date_refuses(value, why):
    with pytest.raises(ValueError, match=why):
        parse_date(value)


# --- splitting -----------------------------------------------------------------------------

def _paragraphs(n: int) -> str:
    return "".join(f"Paragraph {i}: Roth said the harbour would stay closed for now.\n\n" for i in range(n))


def test_split_at_paragraph_boundaries_and_rejoin_exactly():
    text = _paragraphs(100)
    parts = split_text(text, 1000)
    assert "".join(parts) == text
    assert all(len(p) <= 1000 for p in parts)
    assert all(p.endswith("\n\n") and p.startswith("Paragraph") for p in parts)


def test_split_falls_back_to_sentences_then_hard_cut():
    long_paragraph = "Roth said no. " * 200
    parts = split_text(long_paragraph, 500)
    assert "".join(parts) == long_paragraph
    assert all(p.endswith("no. ") for p in parts)
    assert "".join(split_text("x" * 1200, 500)) == "x" * 1200


def test_long_txt_becomes_parts_with_shared_title(tmp_path):
    p = tmp_path / "long.txt"
    text = "Harbour talks resume\n\n3 April 2024\n\n" + _paragraphs(60)
    p.write_text(text, encoding="utf-8")
    ds = docs(p, max_doc_chars=1500)
    assert len(ds) > 2
    assert "".join(d.text for d in ds) == text
    assert [d.path for d in ds] == [f"{p}#part{i}" for i in range(1, len(ds) + 1)]
    assert [d.title for d in ds] == [f"Harbour talks resume (part {i})" for i in range(1, len(ds) + 1)]
    assert {d.published for d in ds} == {"2024-04-03"}
    assert len({d.content_hash for d in ds}) == len(ds)


def test_long_record_is_split_too(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"text": _paragraphs(40), "title": "Long"}) + "\n")
    ds = docs(p, max_doc_chars=1000)
    assert [d.path for d in ds][:2] == [f"{p}#1#part1", f"{p}#1#part2"]
    assert "".join(d.text for d in ds) == _paragraphs(40)


# --- streaming -----------------------------------------------------------------------------

def test_folder_walk_is_lazy_ordered_and_skips_non_documents(tmp_path):
    for name in ("b.txt", "a.txt", "README.md", ".hidden.txt", "sub/c.jsonl", "notes.pdf"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text('{"text": "C said."}' if name.endswith("jsonl") else f"{name} said so.")
    assert [p.relative_to(tmp_path).as_posix() for p in iter_files([tmp_path])] == ["a.txt", "b.txt", "sub/c.jsonl"]
    stream = read_paths([tmp_path], max_doc_chars=1000)
    first = next(stream)
    assert first.path == str(tmp_path / "a.txt")
    # b.txt has not been opened yet: removing it now shows up as an error for b.txt alone.
    (tmp_path / "b.txt").unlink()
    rest = list(stream)
    assert [str(x) for x in rest if isinstance(x, IngestError)] == [f"{tmp_path / 'b.txt'}: no such file"]
    assert [x.text for x in rest if isinstance(x, RawDocument)] == ["C said."]


def test_named_unsupported_file_is_an_error(tmp_path):
    p = tmp_path / "report.pdf"
    p.write_bytes(b"%PDF-1.4")
    [e] = read(p)
    assert isinstance(e, IngestError) and "unsupported file type '.pdf'" in str(e)


def _peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_50mb_text_file_is_split_and_streamed_in_bounded_memory(tmp_path):
    p = tmp_path / "big.txt"
    paragraph = ("Minister Ana Roth said the harbour would stay closed. \"We will not bow to pressure,\" "
                 "she told reporters in Port Amsel. " * 4) + "\n\n"
    with p.open("w", encoding="utf-8") as f:
        f.write("Fifty megabytes of harbour news\n\n14 January 2024\n\n")
        for _ in range(50 * 1024 * 1024 // len(paragraph) + 1):
            f.write(paragraph)
    size = p.stat().st_size
    assert size > 50 * 1024 * 1024
    digest, seen = hashlib.sha256(), []

    def consume():
        for d in read_paths([p], max_doc_chars=1_000_000):
            assert isinstance(d, RawDocument), d
            digest.update(d.text.encode("utf-8"))
            seen.append((d.path, d.title, d.published, len(d.text)))

    peak = _peak_bytes(consume)
    assert len(seen) >= 50
    assert all(n <= 1_000_000 for *_, n in seen)
    assert seen[-1][:3] == (f"{p}#part{len(seen)}", f"Fifty megabytes of harbour news (part {len(seen)})", "2024-01-14")
    assert digest.hexdigest() == hashlib.sha256(p.read_bytes()).hexdigest()  # nothing lost or added
    assert peak < size / 5, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"


def test_jsonl_is_streamed_record_by_record(tmp_path):
    p = tmp_path / "many.jsonl"
    record = {"text": "Roth said the harbour would reopen. " * 50, "published": "2024-05-15"}
    with p.open("w", encoding="utf-8") as f:
        for i in range(10_000):
            f.write(json.dumps({**record, "title": f"Record {i}"}) + "\n")
    size = p.stat().st_size
    count = 0

    def consume():
        nonlocal count
        for d in read_paths([p]):
            assert isinstance(d, RawDocument)
            count += 1

    peak = _peak_bytes(consume)
    assert count == 10_000
    assert peak < size / 5, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.0f} MB file"


def test_oversized_json_is_refused_with_advice(tmp_path):
    p = tmp_path / "dump.json"
    p.write_text(json.dumps([{"text": "Roth said so. " * 10}] * 100))
    [e] = read(p, max_doc_chars=100)
    assert isinstance(e, IngestError) and "JSON file too large to parse whole" in e.cause and ".jsonl" in e.cause
