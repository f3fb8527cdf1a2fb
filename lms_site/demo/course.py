"""The demo course's structure, with every lesson text taken from the seed article.

Lesson estimates are worked out from the lessons' own text, and the course's
duration from their sum, so the figures students see stay true when the text changes.
"""

import math

from django.utils.html import escape, strip_tags

from lms_site.demo.article import load_article

COURSE_SLUG = "mesotherapy-lower-back-pain"
PREVIEW_LESSON_SLUG = "types-of-lower-back-pain"
# Study time: reading at this pace, plus time to look at each figure and answer each quiz question.
READING_WORDS_PER_MINUTE = 200
FIGURE_MINUTES = 1
CLIP_MINUTES = 1
QUIZ_QUESTION_MINUTES = 1
# Keys of block values that hold settings, not text a student reads.
NOT_TEXT = {"kind", "level", "figure", "clip", "multiple", "correct", "pass_mark", "max_attempts", "required"}


def p(text):
    return ("paragraph", f"<p>{escape(text)}</p>")


def heading(text, level="h2"):
    return ("heading", {"text": text, "level": level})


def key_points(title, points):
    return ("key_points", {"title": title, "points": points})


def callout(kind, title, text):
    return ("callout", {"kind": kind, "title": title, "body": f"<p>{escape(text)}</p>"})


def figure(key, caption):
    """A placeholder resolved to a Wagtail image by the loader (figures are created first)."""
    return ("image", {"figure": key, "caption": caption})


def clip(key, title, transcript):
    """A placeholder resolved by the loader to the demo clip `key` (lms_site/demo/media/) with its
    WebVTT captions; `transcript` is what the clip says, as paragraphs."""
    paragraphs = "".join(f"<p>{escape(text)}</p>" for text in transcript)
    return ("media", {"clip": key, "title": title, "transcript": paragraphs})


def gated(title, teaser, content):
    return ("gated_section", {"title": title, "teaser": teaser, "content": content})


def quiz(title, questions, pass_mark=70):
    return (
        "quiz",
        {
            "title": title,
            "pass_mark": pass_mark,
            "max_attempts": None,
            "required": True,
            "questions": [
                {
                    "prompt": prompt,
                    "multiple": sum(correct for _, correct in choices) > 1,
                    "choices": [{"text": text, "correct": correct} for text, correct in choices],
                    "feedback": feedback,
                }
                for prompt, choices, feedback in questions
            ],
        },
    )


def words_in(value):
    """How many words a student reads in a block value (rich text, structs, lists)."""
    if isinstance(value, str):
        return len(strip_tags(value).split())
    if isinstance(value, dict):
        return sum(
            stream_words(item) if key == "content" else words_in(item)
            for key, item in value.items()
            if key not in NOT_TEXT
        )
    if isinstance(value, list):
        return sum(words_in(item) for item in value)
    return 0


def stream_words(stream):
    """Words in a stream of (block name, value) pairs: a lesson body or a gated section's content."""
    return sum(words_in(value) for _name, value in stream)


def activity_minutes(stream):
    """Minutes beyond reading: looking at figures and answering quiz questions, also in gated sections."""
    minutes = 0
    for name, value in stream:
        if name == "image":
            minutes += FIGURE_MINUTES
        elif name == "media":
            minutes += CLIP_MINUTES
        elif name == "quiz":
            minutes += QUIZ_QUESTION_MINUTES * len(value["questions"])
        elif name == "gated_section":
            minutes += activity_minutes(value["content"])
    return minutes


def estimated_minutes(body):
    """A lesson's study time from its body: reading plus activities, rounded up, at least a minute."""
    reading = stream_words(body) / READING_WORDS_PER_MINUTE
    return max(1, math.ceil(reading + activity_minutes(body)))


def duration_text(minutes):
    """The course's duration for cards and its overview: "About 45 minutes, self-paced"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours > 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return f"About {' '.join(parts)}, self-paced"


def lessons_of(data):
    return [lesson for module in data["modules"] for lesson in module["lessons"]]


def with_estimates(data):
    """`data` (a course structure) with each lesson's `minutes` and the course's `duration` worked
    out from the text."""
    for lesson in lessons_of(data):
        lesson["minutes"] = estimated_minutes(lesson["body"])
    data["duration"] = duration_text(sum(lesson["minutes"] for lesson in lessons_of(data)))
    return data


def course_data():
    """The mesotherapy course, its minutes and duration worked out from the text."""
    return with_estimates(course_structure())


def course_structure():
    """Modules and lessons as written, before their study times are worked out."""
    a = load_article()
    intro, symptoms = a.sections[0].paragraphs
    return {
        "title": a.title,
        "slug": COURSE_SLUG,
        "summary": (
            "How lower back pain arises, what causes it, and how mesotherapy fits into its care, "
            "alongside medication, ice and heat, and surgery."
        ),
        "level": "beginner",
        "hero_figure": "spine",
        "description": [p(intro)],
        "learning_outcomes": [
            "Tell acute, subacute and chronic lower back pain apart",
            "Recognise how lower back pain radiates and presents",
            "Explain the main acute, chronic and other causes of lower back pain",
            "Describe where medication, mesotherapy injections and ice and heat fit in care",
            "Know when surgery is considered and what recovery and recurrence look like",
        ],
        "instructors": [
            {
                "name": "Pinewood mesotherapy course faculty",
                "role": "Course authors",
                "bio": "The teaching team of the Pinewood mesotherapy course.",
            }
        ],
        "modules": [
            {
                "title": "Understanding lower back pain",
                "slug": "understanding-lower-back-pain",
                "intro": "What lower back pain is, how long it lasts, and how it shows itself.",
                "lessons": [
                    {
                        "title": "Types of lower back pain",
                        "slug": PREVIEW_LESSON_SLUG,
                        "summary": "Acute, subacute and chronic back pain, and where mesotherapy helps.",
                        "preview": True,
                        "body": [
                            p(intro),
                            figure("spine", "The lumbar segment of the spine, where lower back pain arises."),
                            key_points(
                                "Three kinds by duration",
                                [
                                    "Acute: a recent onset, often after an injury or strain.",
                                    "Subacute: pain that persists beyond the acute phase.",
                                    "Chronic: pain that sets in over a long period of time.",
                                ],
                            ),
                            gated(
                                "Self-check: classify the case",
                                "Enrolled students get a short self-check to practise classifying cases.",
                                [
                                    p(
                                        "For each patient you meet, note when the pain began and whether it "
                                        "followed an event such as a fall. Then decide whether the pain is "
                                        "acute, subacute or chronic before you read on."
                                    ),
                                    p(
                                        "Try it on two patients. One has had pain for three days, since "
                                        "slipping on a wet step. The other describes an ache that has grown "
                                        "over many months without any injury. Classify each, then decide "
                                        "which patient needs more questions about what caused the pain."
                                    ),
                                ],
                            ),
                        ],
                    },
                    {
                        "title": "Symptoms and how pain radiates",
                        "slug": "symptoms-and-radiation",
                        "summary": "Where the pain is felt, where it can radiate, and morning stiffness.",
                        "body": [
                            p(symptoms),
                            figure(
                                "radiation",
                                "Lower back pain can radiate to the knees, shoulders, neck and hip.",
                            ),
                            callout(
                                "clinical_tip",
                                "Ask about mornings",
                                a.sentence("There may be stiffness in the morning"),
                            ),
                            quiz(
                                "Check your understanding",
                                [
                                    (
                                        "Where can lower back pain radiate to?",
                                        [("Knees", True), ("Shoulders", True), ("Fingertips", False)],
                                        "The article names the knees, shoulders, neck and hip.",
                                    ),
                                    (
                                        "When is stiffness typically noticed?",
                                        [("In the morning, on waking", True), ("Only after meals", False)],
                                        "Stiffness may be felt in the morning upon awakening.",
                                    ),
                                ],
                            ),
                        ],
                    },
                ],
            },
            {
                "title": "Causes of lower back pain",
                "slug": "causes",
                "intro": "From simple muscle strain to chronic degeneration and rarer causes.",
                "lessons": [
                    {
                        "title": "Muscle strain and acute injury",
                        "slug": "muscle-strain-and-acute-injury",
                        "summary": "Strain, ageing muscles and traumatic injury to the lower back.",
                        "body": [
                            p(a.paragraph("Sometimes lower back pain occurs")),
                            heading("Acute injury"),
                            p(a.paragraph("An acute lower back injury")),
                            gated(
                                "Case notes: the sacroiliac joint",
                                "Enrolled students study the sacroiliac joint in more depth.",
                                [
                                    p(a.sentence("At the lowest end of the spine")),
                                    p(a.sentence("This is called sacroiliac joint dysfunction.")),
                                ],
                            ),
                        ],
                    },
                    {
                        "title": "Chronic causes",
                        "slug": "chronic-causes",
                        "summary": "Arthritis, disc degeneration and herniation as long-term causes.",
                        "body": [
                            p(a.paragraph("Chronic lower back pain usually sets in")),
                            key_points(
                                "Physical causes of chronic pain",
                                [
                                    "Osteoarthritis",
                                    "Rheumatoid arthritis",
                                    "Degeneration of the discs between the vertebrae",
                                    "Spinal disc herniation",
                                ],
                            ),
                            quiz(
                                "Chronic causes quiz",
                                [
                                    (
                                        "Which are physical causes of chronic lower back pain?",
                                        [
                                            ("Osteoarthritis", True),
                                            ("Degeneration of the discs", True),
                                            ("A single car accident", False),
                                        ],
                                        "Chronic pain sets in over time; an accident causes acute injury.",
                                    ),
                                    (
                                        "How common is cancer as a cause of lower back pain?",
                                        [("Rare", True), ("The most common cause", False)],
                                        "Cancer is a rare cause of lower back pain.",
                                    ),
                                ],
                            ),
                        ],
                    },
                    {
                        "title": "Other causes",
                        "slug": "other-causes",
                        "summary": "Leg length, sprains, tumours, Paget's disease, depression and posture.",
                        "body": [p(a.paragraph("Other possible causes of lower back pain"))],
                    },
                ],
            },
            {
                "title": "Care and treatment",
                "slug": "care-and-treatment",
                "intro": "Medication, mesotherapy injections, and ice and heat.",
                "lessons": [
                    {
                        "title": "Pain medication",
                        "slug": "pain-medication",
                        "summary": "Over-the-counter pain relief and its place in care.",
                        "body": [p(a.sentence("Pain medications such as Advil or Tylenol"))],
                    },
                    {
                        "title": "Mesotherapy injections",
                        "slug": "mesotherapy-injections",
                        "summary": "How a mesotherapist treats acute and chronic lower back pain.",
                        "body": [
                            p(a.paragraph("Mesotherapy is useful for the management")),
                            gated(
                                "How the injections work",
                                "Enrolled students learn how the mesotherapist treats the affected area.",
                                [
                                    p(a.sentence("A mesotherapist can inject")),
                                    clip(
                                        "intradermal-technique",
                                        "The intradermal technique, step by step",
                                        [
                                            "Intradermal technique: the needle approaches the skin.",
                                            "Hold the needle at 90 degrees to the skin.",
                                            "Inject at a depth of about 4 millimetres, slowly.",
                                        ],
                                    ),
                                    key_points(
                                        "Aims of the injections",
                                        [
                                            "Deliver anti-inflammatory and pain-relieving medication locally",
                                            "Relax and soothe the muscles and ligaments of the spine",
                                        ],
                                    ),
                                ],
                            ),
                        ],
                    },
                    {
                        "title": "Ice and heat",
                        "slug": "ice-and-heat",
                        "summary": "Alternating ice packs and hot packs alongside mesotherapy.",
                        "body": [
                            p(a.paragraph("Applying ice packs alternating with hot packs")),
                            figure(
                                "timeline", "Where ice, heat and mesotherapy sit in the course of an episode."
                            ),
                        ],
                    },
                ],
            },
            {
                "title": "Surgery, prognosis and recurrence",
                "slug": "surgery-prognosis-recurrence",
                "intro": "When surgery is considered, and what to expect afterwards.",
                "lessons": [
                    {
                        "title": "When surgery is considered",
                        "slug": "when-surgery-is-considered",
                        "summary": "The aim of deferring surgery, and the common surgical options.",
                        "body": [
                            p(a.sentence("The goal of mesotherapy is not only")),
                            callout("warning", "Red flag", a.sentence("This type of surgery is performed")),
                            p(a.paragraph("The most common types of low back surgery")),
                        ],
                    },
                    {
                        "title": "Prognosis and recurrence",
                        "slug": "prognosis-and-recurrence",
                        "summary": "Recovery within two to three months, and the risk of recurrence.",
                        "body": [
                            p(a.paragraph("Typically, the symptoms of low back pain")),
                            figure("timeline", "Improvement typically comes within two to three months."),
                        ],
                    },
                ],
            },
        ],
    }
