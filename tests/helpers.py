"""Test helpers: a small valid knowledge base written to a temporary directory, a clock tests
move by hand, and saving a file the way editors do."""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.earnings import EarningsQuestion

if TYPE_CHECKING:
    from bot.core.advisor import Advisor
    from bot.core.earnings import EarningsCurve

# The tests' clock: the knowledge below is dated 2026-11-27, and no test reads the real one.
TODAY = dt.date(2026, 11, 30)

BASE_FILES = {
    "categories.yaml": """
        categories:
          - id: credentials
            title: Credentials
            description: Which credential to get
        """,
    "tax.yaml": """
        self_employment_tax:
          social_security_rate: 0.124
          medicare_rate: 0.029
          net_earnings_factor: 0.9235
          minimum_net_earnings: 400
          social_security_wage_base: {2024: 168600, 2025: 176100, 2026: 184500}
          sources:
            - title: IRS — Self-employment tax
              url: https://www.irs.gov/businesses/small-businesses-self-employed/self-employment-tax-social-security-and-medicare-taxes
          reviewed: 2026-11-27
        """,
    "topics/cpc.yaml": """
        topics:
          - id: cpc
            title: The CPC credential
            category: credentials
            questions: [what is the cpc]
            answer: The CPC is AAPC's professional coding credential.
            related: [ccs]
            sources:
              - title: AAPC — CPC
                url: https://www.aapc.com/certifications/cpc
            reviewed: 2026-11-27
          - id: ccs
            title: The CCS credential
            category: credentials
            questions: [what is the ccs]
            answer: The CCS is AHIMA's facility coding credential.
            sources:
              - title: AHIMA — CCS
                url: https://www.ahima.org/certification-careers/certifications-overview/ccs/
            reviewed: 2026-11-27
        """,
}


def write_knowledge(directory: Path, files: dict[str, str] | None = None) -> Path:
    """Write the base knowledge plus `files` (same name replaces a base file) under `directory`."""
    for name, text in {**BASE_FILES, **(files or {})}.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return directory


CREDENTIALS = """
    credentials:
      - id: cpc
        name: CPC
        full_name: Certified Professional Coder
        issuer: AAPC
        setting: Professional-fee coding.
        code_sets: [CPT, HCPCS Level II, ICD-10-CM]
        exam: {questions: 100, minutes: 240, passing: 70%, open_book: AMA CPT book, delivery: Online or in person}
        fee: {min: 399, max: 499, year: 2026}
        membership: AAPC membership required.
        eligibility: No prerequisite.
        renewal: 36 CEUs every 2 years.
        best_for: Physician-office coding.
        url: https://www.aapc.com/certifications/cpc
        topic: cpc
        sources:
          - title: AAPC — CPC exam FAQs
            url: https://www.aapc.com/resources/cpc-exam-faqs
        reviewed: 2026-11-27
    """


class FakeClock:
    """An injected clock: aware UTC datetimes that move only when a test says so."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def save_like_an_editor(path: Path, text: str) -> None:
    """Save as most editors do: write a temporary file beside it, then rename it over the original."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    os.replace(temporary, path)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, after checking it is one: signature, IHDR first, every chunk's CRC, IEND last."""
    import struct
    import zlib

    assert data[:8] == PNG_SIGNATURE, "not a PNG signature"
    offset, chunks = 8, []
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"bad CRC in chunk {kind!r}"
        chunks.append((kind, body))
        offset += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND", [k for k, _ in chunks]
    assert any(kind == b"IDAT" for kind, _ in chunks), "no image data"
    width, height = struct.unpack(">II", chunks[0][1][:8])
    return width, height


def curve_for(advisor: Advisor, *args: Any, **kwargs: Any) -> EarningsCurve:
    """The earnings chart's curve for the arguments of an EarningsQuestion."""
    return advisor.earnings_curve(advisor.earnings(EarningsQuestion(*args, **kwargs)))
