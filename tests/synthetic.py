"""Small made-up news texts for the ingest process tests (crash safety, concurrent writers).

Names repeat across documents so that concurrent writers race to create the same actors and
aliases; numbers make every text (and so its content hash) distinct.
"""

from __future__ import annotations

from pathlib import Path

SPEAKERS = ["Yasser Farhan", "Maria Zakharova", "Hadi al-Bahra", "Sergei Lavrov", "Ned Price",
            "Geir Pedersen", "Mevlut Cavusoglu", "Nasr al-Hariri"]
ORGS = ["Syrian National Coalition", "Russian Foreign Ministry", "State Department", "United Nations",
        "Turkish Foreign Ministry", "Syrian Negotiation Commission"]
COUNTRIES = ["Russia", "Iran", "Turkey", "Syria", "the United States", "France"]
CITIES = ["Istanbul", "Moscow", "Geneva", "Washington", "Damascus"]


def text(i: int) -> str:
    s1, s2, s3 = (SPEAKERS[(i + k * 3) % len(SPEAKERS)] for k in range(3))
    o1, o2 = ORGS[i % len(ORGS)], ORGS[(i + 2) % len(ORGS)]
    c1, c2 = COUNTRIES[i % len(COUNTRIES)], COUNTRIES[(i + 1) % len(COUNTRIES)]
    city = CITIES[i % len(CITIES)]
    return (
        f"Talks stall for the {i + 1}th time\n\n"
        f"{city}, March {i % 28 + 1}, 2019 - {s1}, a spokesman for the {o1}, said on Monday that {c1} "
        f"had violated the ceasefire agreement {i + 3} times this month.\n"
        f"\"We will not accept this escalation,\" {s1} told reporters in {city}.\n"
        f"The {o2} accused {c2} of bombing {i + 2} hospitals in Idlib province, according to a "
        f"statement published on its website.\n"
        f"{s2} warned that \"further attacks will have consequences for the talks in Geneva.\"\n"
        f"According to {s3}, the negotiations will resume in round {i + 5}.\n"
        f"{s2} called on the international community to protect civilians.\n"
    )


def write_corpus(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"doc_{i:03d}.txt"
        path.write_text(text(i), encoding="utf-8")
        paths.append(path)
    return paths
