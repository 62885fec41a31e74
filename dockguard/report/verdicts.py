"""How each verdict is named and explained to people, for every renderer (text, JUnit, HTML)."""

from __future__ import annotations

from dataclasses import dataclass

from dockguard.model import VerdictLevel


@dataclass(frozen=True, slots=True)
class VerdictWords:
    label: str  # "Localized copy"
    meaning: str  # what it means, in plain words
    style: str  # rich style for the terminal


VERDICT_WORDS: dict[VerdictLevel, VerdictWords] = {
    VerdictLevel.CLEAR: VerdictWords(
        "Clear",
        "No registered original was found in this release, beyond the chance resemblance that unrelated "
        "scripts share.",
        "green",
    ),
    VerdictLevel.REVIEW: VerdictWords(
        "Review",
        "Some lines resemble a registered original, but not enough to conclude copying. A person should "
        "read the aligned passages before deciding.",
        "yellow",
    ),
    VerdictLevel.PARTIAL_COPY: VerdictWords(
        "Partial copy",
        "Part of the release (whole scenes or long stretches of dialogue) follows a registered original "
        "closely; the rest does not.",
        "bold dark_orange",
    ),
    VerdictLevel.COPY: VerdictWords(
        "Copy",
        "The release reproduces a registered original in the same language, most of it line for line.",
        "bold red",
    ),
    VerdictLevel.TRANSLATED_COPY: VerdictWords(
        "Translated copy",
        "The release is a translation of a registered original: its lines say the same things, in another "
        "language. Scenes may have been moved around.",
        "bold red",
    ),
    VerdictLevel.LOCALIZED_COPY: VerdictWords(
        "Localized copy",
        "The release is a translation of a registered original adapted for another market: characters and "
        "places were renamed (see the rename table), but the dialogue and scenes follow the original.",
        "bold red",
    ),
}
