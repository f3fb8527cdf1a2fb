"""Canary strings: each is planted in exactly one gated place by the fixtures and must never
reach anyone without access; and the personas that must never see them."""

GATED_BLOCK_CANARY = "zqgatedcanary4471"
BODY_CANARY = "zqbodycanary9023"
DOC_CANARY = "zqdoccanary5518"
ALT_CANARY = "zqaltcanary3306"
IMAGE_FILE_CANARY = "zqimgfilecanary"
ALL_CANARIES = (GATED_BLOCK_CANARY, BODY_CANARY, DOC_CANARY, ALT_CANARY, IMAGE_FILE_CANARY)

NO_ACCESS = ["anonymous", "outsider", "pending", "withdrawn", "expired", "other_course"]
WITH_ACCESS = ["enrolled", "editor"]
