"""The demo's second course: a short, original primer on ultrasound guidance for injections.

It sits in the same catalogue as the mesotherapy course with another level, other tags and
approval enrollment, so the catalogue's filters and the approval queue have something to show.
Its second module opens `RELEASE_AFTER_DAYS` after each student enrolls (drip release).
Lesson minutes are worked out from the text, as for the first course.
"""

from lms_site.demo.course import heading, key_points, p, with_estimates

COURSE_SLUG = "ultrasound-guidance-basics"
COURSE_TAGS = ["Ultrasound", "Injection technique", "Patient safety"]
RELEASE_AFTER_DAYS = 14
DRIP_MODULE_SLUG = "guided-injections-in-practice"
HERO_POSTER = "ultrasound-course-banner"  # the course's card shows its marketing banner


def course_structure():
    return {
        "title": "Ultrasound Guidance Basics for Injection Procedures",
        "slug": COURSE_SLUG,
        "summary": (
            "A short primer on using a portable ultrasound probe to see needle, target and "
            "neighbouring structures before and during an injection."
        ),
        "level": "intermediate",
        "description": [
            p(
                "Many injections are still placed by landmarks alone. A portable probe lets the "
                "practitioner see the layers under the skin, choose a safe path and watch the needle "
                "arrive. This primer covers the first steps: the machine, the image and the two "
                "classic needle approaches."
            )
        ],
        "learning_outcomes": [
            "Choose a probe and a preset for superficial and deeper targets",
            "Recognise skin, fat, fascia, muscle and bone on a live image",
            "Keep the needle in view with an in-plane or out-of-plane approach",
        ],
        "instructors": [
            {
                "name": "Pinewood ultrasound faculty (fictional)",
                "role": "Course authors",
                "bio": "A made-up teaching team for the demo site.",
            }
        ],
        "modules": [
            {
                "slug": "seeing-with-sound",
                "title": "Seeing with sound",
                "intro": "What the machine does, and how the layers under the skin look on screen.",
                "lessons": [
                    {
                        "slug": "probes-and-presets",
                        "title": "Probes and presets",
                        "summary": "Linear or curved, high or low frequency: match the probe to the depth.",
                        "preview": True,
                        "body": [
                            p(
                                "An ultrasound probe sends short pulses of sound into the tissue and listens "
                                "for their echoes. Strong reflectors such as bone appear bright; fluid lets "
                                "sound pass and appears dark. The picture is built line by line, many times "
                                "a second, so it moves with the patient and the needle."
                            ),
                            p(
                                "A linear probe uses high frequencies and gives a sharp image of the first "
                                "few centimetres: the right choice for superficial targets. A curved probe "
                                "uses lower frequencies that reach deeper, at the cost of detail. Most "
                                "machines offer presets that set frequency, depth and gain together."
                            ),
                            key_points(
                                "Before you scan",
                                [
                                    "Pick the probe for the depth of the target",
                                    "Set the depth so the target sits in the middle of the screen",
                                    "Adjust the gain until fluid looks black and fat looks grey",
                                ],
                            ),
                        ],
                    },
                    {
                        "slug": "reading-the-layers",
                        "title": "Reading the layers",
                        "summary": "Skin, fat, fascia, muscle and bone as they appear on a live image.",
                        "body": [
                            p(
                                "Just under the probe the skin is a thin bright line. Below it the fat "
                                "is dark grey with bright streaks of connective tissue. Fascia shows as a "
                                "crisp bright band, and muscle has a speckled, feathery texture that moves "
                                "when the patient tenses it."
                            ),
                            p(
                                "Bone is the brightest structure of all and casts a black shadow beneath "
                                "it, because almost no sound gets through. Vessels are round and dark; "
                                "gentle pressure flattens a vein but not an artery, which also pulses."
                            ),
                            heading("A habit worth keeping"),
                            p(
                                "Scan the whole area before you pick up the needle. Note the depth of the "
                                "target and of anything you must avoid, and mark the skin if it helps."
                            ),
                        ],
                    },
                ],
            },
            {
                "slug": DRIP_MODULE_SLUG,
                "title": "Guided injections in practice",
                "intro": "The two needle approaches, and how to keep the tip in sight.",
                "release_after_days": RELEASE_AFTER_DAYS,
                "lessons": [
                    {
                        "slug": "in-plane-and-out-of-plane",
                        "title": "In-plane and out-of-plane",
                        "summary": "Two ways to bring the needle to the target, and when to use each.",
                        "body": [
                            p(
                                "In the in-plane approach the needle enters along the long edge of the "
                                "probe and stays inside the thin slice of tissue the probe sees. The whole "
                                "shaft and the tip are visible, which makes it the safer choice near "
                                "vessels and nerves."
                            ),
                            p(
                                "In the out-of-plane approach the needle crosses the slice at an angle and "
                                "appears only as a bright dot. It gives a shorter path, but the dot may be "
                                "the shaft rather than the tip, so the tip must be found by small movements "
                                "of the probe."
                            ),
                        ],
                    },
                    {
                        "slug": "keeping-the-tip-in-view",
                        "title": "Keeping the tip in view",
                        "summary": "Small probe movements, hydrolocation and a clean routine.",
                        "body": [
                            p(
                                "Move one thing at a time: either the probe or the needle, never both. "
                                "If the tip disappears, stop advancing and slide or tilt the probe until "
                                "it is back on screen."
                            ),
                            p(
                                "A tiny amount of injected fluid shows as a dark pocket that marks where "
                                "the tip is. Clean the probe between patients and use a sterile cover and "
                                "gel whenever the needle crosses the scanned skin."
                            ),
                            key_points(
                                "Checklist",
                                [
                                    "Scan first, then plan the path",
                                    "Keep the tip in view at every step",
                                    "Stop when you lose the tip",
                                ],
                            ),
                        ],
                    },
                ],
            },
        ],
    }


def course_data():
    """The ultrasound primer, its minutes and duration worked out from the text."""
    return with_estimates(course_structure())
