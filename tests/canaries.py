"""Canary strings: each is planted in exactly one gated place by the fixtures and must never
reach anyone without access; and the personas that must never see them."""

GATED_BLOCK_CANARY = "zqgatedcanary4471"
BODY_CANARY = "zqbodycanary9023"
DOC_CANARY = "zqdoccanary5518"
ALT_CANARY = "zqaltcanary3306"
IMAGE_FILE_CANARY = "zqimgfilecanary"
# Planted by the `french_gated_course` fixture in the French translation of the gated lessons.
FR_GATED_BLOCK_CANARY = "zqfrgatedcanary5812"
FR_BODY_CANARY = "zqfrbodycanary7740"
ALL_CANARIES = (
    GATED_BLOCK_CANARY,
    BODY_CANARY,
    DOC_CANARY,
    ALT_CANARY,
    IMAGE_FILE_CANARY,
    FR_GATED_BLOCK_CANARY,
    FR_BODY_CANARY,
)

# Planted by the `media_course` fixture: a gated video's bytes, its captions and its transcript.
MEDIA_FILE_CANARY = "zqmediafilecanary8120"
CAPTIONS_CANARY = "zqcaptionscanary6631"
TRANSCRIPT_CANARY = "zqtranscriptcanary2294"
MEDIA_CANARIES = (MEDIA_FILE_CANARY, CAPTIONS_CANARY, TRANSCRIPT_CANARY)

NO_ACCESS = ["anonymous", "outsider", "pending", "withdrawn", "expired", "other_course"]
WITH_ACCESS = ["enrolled", "editor"]


def assert_no_canary(text, where):
    for canary in ALL_CANARIES:
        assert canary not in text, f"{canary} leaked through {where}"
