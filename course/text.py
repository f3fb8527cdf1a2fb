"""Plain text read out of pages, for search matching and result snippets."""

from django.utils.html import strip_tags

SENTENCE_END = (".", "!", "?", ":", ";", "…")


def join_sentences(parts):
    """Join text fields as prose: a field that ends without punctuation (a title, a heading, a
    subtitle) gets a full stop, so a snippet reads "Subtitle. Intro…" and not "Subtitle Intro…"."""
    sentences = []
    for part in parts:
        text = " ".join(strip_tags(str(part)).split())
        if not text:
            continue
        sentences.append(text if text.endswith(SENTENCE_END) else f"{text}.")
    return " ".join(sentences)
