"""Generate N realistic, valid policy files for the benchmarks.

    python bench/generate.py DIR [N] [--seed S]

The files follow the shapes of ``policies/`` and ``tests/fixtures/policies/``: instruments dated
to the day, the month or the year, evidence of every quality, agencies that hold information,
single clauses and ``clauses:`` lists, dated ``states``, exceptions (kinds, classes and
``all_of``), ``binds``, agency practices, ``not_addressed`` clauses on documents read in full,
savings clauses with readings, and recorded determinations under the built-in authorities. A
seeded generator makes the same files for the same N and seed. Every file validates cleanly
(``sanctuary-check validate --strict``); a test checks a sample. The towns are made up.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

PROVISIONS = [
    "status_inquiry",
    "status_request_federal",
    "status_recording",
    "status_sharing",
    "victim_witness_status_sharing",
    "suspect_status_sharing",
    "release_notification",
    "custody_status_sharing",
    "personal_information_sharing",
    "detainer_holds",
    "facility_access",
    "courthouse_access",
    "database_access",
    "resource_restriction",
]
STANCES = ["prohibited", "restricted", "restricted", "restricted", "permitted", "required"]
EXCEPTIONS = [
    "required_by_law",
    "judicial_warrant",
    "criminal_warrant",
    "criminal_suspect",
    "criminal_investigation",
    "public_safety",
    "public_information",
    "non_immigration_purpose",
    "consent",
    "reimbursement",
    "court_order",
    "benefit_eligibility",
]
CLASSES = ["violent_felony", "serious_felony", "felony", "terrorism_or_espionage"]
QUALITIES = ["law", "court", "gov", "gov", "news", "news", "news", "sec", "adv", "party", "spun"]
STATES = ["AZ", "CA", "CO", "CT", "FL", "IL", "LA", "MA", "MN", "NJ", "NV", "NY", "OR", "PA", "TX"]
KINDS = ["city", "city", "county", "consolidated_city_county", "state", "other"]
#: Built-in authorities a determination or a savings-clause reading may name.
AUTHORITIES = ["doj-2017-10-11", "usc-8-1373", "edpa-2017-11-15", "ojp-2016-07-07"]
OUTCOMES = [
    ("preliminary_noncompliance", "preliminary"),
    ("noncompliance", "position"),
    ("no_evidence_of_noncompliance", "position"),
    ("compliance", "holding"),
    ("information_request", "position"),
]
WORDS = [
    "the",
    "city",
    "council",
    "resolution",
    "quotes",
    "the",
    "order",
    "and",
    "says",
    "officers",
    "may",
    "not",
    "ask",
    "about",
    "status",
    "unless",
    "required",
    "by",
    "law",
    "while",
    "the",
    "police",
    "memorandum",
    "repeats",
    "the",
    "rule",
    "for",
    "patrol",
    "and",
    "the",
    "jail",
    "follows",
    "its",
    "own",
    "consent",
    "form",
    "reported",
    "in",
    "the",
    "press",
    "and",
    "in",
    "court",
    "papers",
]


def _sentence(rng: random.Random, low: int = 8, high: int = 30) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _q(text: str) -> str:
    """A double-quoted YAML scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


class _Town:
    def __init__(self, rng: random.Random, ident: str) -> None:
        self.rng = rng
        self.ident = ident
        self.lines: list[str] = []
        self.day_instruments: list[str] = []  # dated to the day: safe for dated states
        self.full_instruments: list[str] = []  # read in full: safe for not_addressed
        self.instruments: list[str] = []
        self.evidence: list[str] = []
        self.agencies: list[str] = []

    def out(self, line: str = "") -> None:
        self.lines.append(line)

    def date(self, precision: str, year: int) -> str:
        rng = self.rng
        if precision == "year":
            return f"{year}"
        if precision == "month":
            return f"{year}-{rng.randint(1, 12):02d}"
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    def header(self) -> None:
        rng = self.rng
        state = rng.choice(STATES)
        kind = rng.choice(KINDS)
        self.out("# yaml-language-server: $schema=../schemas/policy.schema.json")
        self.out(f"# A made-up jurisdiction for the benchmarks ({self.ident}). Not law.")
        self.out(f"id: {self.ident}")
        self.out(f"name: Town of {self.ident.replace('-', ' ').title()}")
        self.out(f"kind: {kind}")
        self.out(f"state: {state}")
        self.out(f"ocd_id: ocd-division/country:us/state:{state.lower()}/place:{self.ident}")
        self.out(f"confidence: {rng.choice(['high', 'medium', 'low'])}")
        self.out("notes: >-")
        self.out(f"  {_sentence(rng, 20, 40)}")

    def sources(self) -> None:
        rng = self.rng
        self.out("")
        self.out("sources:")
        for i in range(rng.randint(3, 6)):
            ident = f"{rng.choice(['eo', 'ord', 'memo', 'res'])}-{i + 1}-{rng.randint(1, 99):02d}"
            precision = rng.choice(["day", "day", "day", "month", "year"])
            read = rng.choice(["full", "full", "partial", "not_read"])
            self.instruments.append(ident)
            if precision == "day":
                self.day_instruments.append(ident)
            if read == "full":
                self.full_instruments.append(ident)
            self.out(f"  - id: {ident}")
            self.out("    kind: instrument")
            self.out(f"    title: {_q(f'Instrument {ident} of the town')}")
            self.out(f"    issuer: {_q(rng.choice(['Mayor', 'Town Council', 'Chief of Police']))}")
            self.out(f"    adopted: {_q(self.date(precision, rng.randint(1995, 2016)))}")
            self.out(f"    read: {read}")
            if rng.random() < 0.5:
                url = f"https://example.org/{self.ident}/{ident}"
                self.out(f"    url: {_q(url)}")
                self.out(f"    quality: {rng.choice(['gov', 'law'])}")
            if rng.random() < 0.4:
                self.out("    notes: >-")
                self.out(f"      {_sentence(rng)}")
        for i in range(rng.randint(3, 9)):
            ident = f"s{i + 1}"
            self.evidence.append(ident)
            url = f"https://news.example.org/{self.ident}/{rng.randint(1000, 9999)}/story-{i}"
            self.out(
                f"  - {{id: {ident}, kind: evidence, url: {_q(url)}, "
                f"quality: {rng.choice(QUALITIES)}, read: {rng.choice(['partial', 'full'])}}}"
            )

    def agencies_block(self) -> None:
        rng = self.rng
        self.out("")
        self.out("agencies:")
        self.agencies.append("police")
        self.out("  - {id: police, name: Town Police Department}")
        if rng.random() < 0.7:
            self.agencies.append("jail")
            holds = _list(rng.sample(["release_dates", "custody_records", "court_records"], 2))
            independent = ", independent: true" if rng.random() < 0.5 else ""
            self.out(
                f"  - {{id: jail, name: County Sheriff (runs the jail){independent}, "
                f"holds: {holds}, source: {{evidence: [{rng.choice(self.evidence)}]}}, "
                "confidence: medium}"
            )
        if rng.random() < 0.5:
            self.agencies.append("city")
            self.out("  - {id: city, name: All town officers and employees}")

    def exceptions(self) -> str:
        rng = self.rng
        alternatives = []
        for _ in range(rng.randint(0, 3)):
            roll = rng.random()
            if roll < 0.5:
                alternatives.append(rng.choice(EXCEPTIONS))
            elif roll < 0.75:
                alternatives.append(f"{{conviction: {rng.choice(CLASSES)}}}")
            else:
                parts = [rng.choice(EXCEPTIONS), f"{{conviction: {rng.choice(CLASSES)}}}"]
                alternatives.append(f"{{all_of: {_list(parts)}}}")
        return _list(alternatives)

    def source(self, instrument: str) -> tuple[str, bool]:
        rng = self.rng
        evidence = _list(rng.sample(self.evidence, rng.randint(1, min(3, len(self.evidence)))))
        if rng.random() < 0.5:
            section = _q(str(rng.randint(1, 12)))
            return f"{{instrument: {instrument}, section: {section}, evidence: {evidence}}}", False
        return f"{{instrument: {instrument}, section: null, evidence: {evidence}}}", True

    def clause(self, indent: str, first: str, dated: bool) -> None:
        rng = self.rng
        stance = rng.choice(STANCES)
        if not dated and self.full_instruments and rng.random() < 0.1:
            reviewed = _list(rng.sample(self.full_instruments, 1))
            instrument = rng.choice(self.full_instruments)
            src, no_section = self.source(instrument)
            self.out(f"{first}stance: not_addressed")
            self.out(f"{indent}documents_reviewed: {reviewed}")
            self.out(f"{indent}source: {src}")
            self.out(f"{indent}confidence: high")
            if no_section:
                self.out(f"{indent}unconfirmed: [section]")
            return
        pool = self.day_instruments if dated else self.instruments
        instrument = rng.choice(pool)
        src, no_section = self.source(instrument)
        unconfirmed = ["section"] if no_section else []
        self.out(f"{first}stance: {stance}")
        if stance == "restricted" and rng.random() < 0.8:
            self.out(f"{indent}exceptions: {self.exceptions()}")
        elif stance == "restricted":
            unconfirmed.append("exceptions")
        if rng.random() < 0.8:
            binds = rng.sample(self.agencies, rng.randint(1, len(self.agencies)))
            self.out(f"{indent}binds: {_list(binds)}")
        self.out(f"{indent}source: {src}")
        self.out(f"{indent}confidence: {rng.choice(['high', 'medium', 'medium', 'low'])}")
        if unconfirmed:
            self.out(f"{indent}unconfirmed: {_list(unconfirmed)}")
        if "jail" in self.agencies and rng.random() < 0.15:
            self.out(
                f"{indent}practice: {{stance: permitted, agency: jail, "
                f"source: {{evidence: [{rng.choice(self.evidence)}]}}, confidence: low}}"
            )
        if dated:
            start = rng.randint(2008, 2015)
            end = rng.randint(start + 1, 2022)
            self.out(f"{indent}states:")
            self.out(
                f'{indent}  - {{effective_from: "{start}-01-01", effective_until: "{end}-07-01"}}'
            )
            if rng.random() < 0.5:
                later = rng.choice(["permitted", "restricted", "prohibited"])
                self.out(f'{indent}  - {{effective_from: "{end}-07-01", stance: {later}}}')
        if rng.random() < 0.5:
            self.out(f"{indent}notes: >-")
            self.out(f"{indent}  {_sentence(rng)}")

    def provisions(self) -> list[str]:
        rng = self.rng
        chosen = sorted(rng.sample(PROVISIONS, rng.randint(4, 12)), key=PROVISIONS.index)
        self.out("")
        self.out("provisions:")
        for key in chosen:
            self.out(f"  {key}:")
            if self.day_instruments and rng.random() < 0.3:
                self.out("    clauses:")
                for _ in range(rng.randint(2, 3)):
                    self.clause("        ", "      - ", dated=True)
            else:
                self.clause("    ", "    ", dated=False)
        return chosen

    def savings(self, provisions: list[str]) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.4:
            return  # unknown: nobody looked
        if roll < 0.6 and self.full_instruments:
            self.out("")
            self.out("savings_clauses: []")
            self.out(f"savings_clauses_reviewed: {_list(self.full_instruments)}")
            return
        self.out("")
        self.out("savings_clauses:")
        for i in range(rng.randint(1, 2)):
            instrument = rng.choice(self.instruments)
            covers = _list(rng.sample(provisions, rng.randint(1, min(3, len(provisions)))))
            section = _q(str(rng.randint(1, 20)))
            self.out(f"  - id: sc-{i + 1}")
            self.out(f"    source: {{instrument: {instrument}, section: {section}}}")
            self.out(f"    covers: {covers}")
            if rng.random() < 0.6:
                self.out("    readings:")
                self.out(
                    f"      - {{by: doj-2017-10-11, "
                    f"reading: {rng.choice(['permits_sharing', 'does_not_permit_sharing'])}, "
                    f'date: "2017-{rng.randint(10, 12)}-{rng.randint(10, 28)}", '
                    f"source: {{evidence: [{rng.choice(self.evidence)}]}}, confidence: medium}}"
                )

    def determinations(self, provisions: list[str]) -> None:
        rng = self.rng
        count = rng.choice([0, 0, 1, 1, 2, 3])
        if not count:
            return
        self.out("")
        self.out("determinations:")
        for i in range(count):
            outcome, status = rng.choice(OUTCOMES)
            cited = (
                rng.sample(provisions, rng.randint(1, min(3, len(provisions))))
                if outcome.endswith("noncompliance") and "no_evidence" not in outcome
                else []
            )
            date = f"{rng.randint(2016, 2019)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            self.out(f"  - id: det-{i + 1}")
            self.out(f"    authority: {rng.choice(AUTHORITIES)}")
            self.out(f'    date: "{date}"')
            self.out(f"    outcome: {outcome}")
            self.out(f"    status: {status}")
            self.out(f"    provisions: {_list(cited)}")
            if cited and rng.random() < 0.5:
                self.out(f"    unidentified_passages: {rng.randint(0, 3)}")
            self.out(f"    sources: {_list(rng.sample(self.evidence, 2))}")
            self.out(f"    confidence: {rng.choice(['high', 'medium'])}")
            self.out("    summary: >-")
            self.out(f"      {_sentence(rng, 15, 40)}")


def policy_text(ident: str, seed: int) -> str:
    """One policy file's text, the same for the same id and seed."""
    town = _Town(random.Random(f"{seed}:{ident}"), ident)
    town.header()
    town.sources()
    town.agencies_block()
    chosen = town.provisions()
    town.savings(chosen)
    town.determinations(chosen)
    return "\n".join(town.lines) + "\n"


def generate(directory: Path, n: int, seed: int = 7) -> list[Path]:
    """Write N policy files (``gen-00000.yaml`` ...) into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        ident = f"gen-{i:05d}"
        path = directory / f"{ident}.yaml"
        path.write_text(policy_text(ident, seed), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("n", type=int, nargs="?", default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    paths = generate(args.directory, args.n, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} files, {size / 1024 / 1024:.1f} MiB, to {args.directory}")


if __name__ == "__main__":
    main(sys.argv[1:])
