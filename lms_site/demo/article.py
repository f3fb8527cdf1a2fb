"""The seed article, parsed into dated sections of paragraphs.

The demo course and teaser article quote these paragraphs rather than retyping
them, so the demo stays faithful to its source.
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SEED_PATH = Path(__file__).with_name("seed.txt")
HEADINGS = {
    "Causes Of Lower Back Pain": "Causes of lower back pain",
    "Care and Treatment": "Care and treatment",
}


@dataclass
class Section:
    heading: str | None
    paragraphs: list = field(default_factory=list)


@dataclass
class Article:
    date: datetime.date
    title: str
    sections: list

    @property
    def paragraphs(self):
        return [paragraph for section in self.sections for paragraph in section.paragraphs]

    def paragraph(self, opening):
        """The one paragraph that starts with `opening`."""
        found = [p for p in self.paragraphs if p.startswith(opening)]
        if len(found) != 1:
            raise LookupError(f"Expected one seed paragraph starting {opening!r}, found {len(found)}.")
        return found[0]

    def sentence(self, opening):
        """The one sentence (anywhere in the article) that starts with `opening`."""
        for paragraph in self.paragraphs:
            for sentence in re.split(r"(?<=[.!?])\s+", paragraph):
                if sentence.startswith(opening):
                    return sentence
        raise LookupError(f"No seed sentence starts with {opening!r}.")


def _clean(text):
    return re.sub(r"\s+", " ", text).strip()


@cache
def load_article():
    # Each paragraph of the seed is one line; blank lines only add spacing.
    blocks = [_clean(line) for line in SEED_PATH.read_text(encoding="utf-8").splitlines()]
    blocks = [block for block in blocks if block]
    date = datetime.datetime.strptime(blocks[0], "%A, %B %d, %Y").date()
    title = blocks[1]
    sections = [Section(heading=None)]
    for block in blocks[2:]:
        if block in HEADINGS:
            sections.append(Section(heading=HEADINGS[block]))
        else:
            sections[-1].paragraphs.append(block)
    return Article(date=date, title=title, sections=sections)
