"""Teaching figures for the demo course, drawn with Pillow (deterministic, no network)."""

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 800
PAPER = (251, 250, 247)
INK = (29, 43, 38)
SOFT = (68, 85, 78)
PINE = (31, 92, 69)
PINE_TINT = (214, 232, 223)
BONE = (236, 226, 205)
BONE_EDGE = (120, 104, 78)
DISC = (126, 170, 201)
PAIN = (193, 53, 38)
PAIN_TINT = (246, 205, 198)
AMBER = (176, 116, 0)


# Each figure's focal point (left, top, right, bottom): its heading (y 40-130) and the diagram
# under it, at most 630 px tall so that Wagtail's crops of the 3:2 figure (a 16:9 card, a
# 1200x630 share image) keep all of it, the heading included.
HEADING_AND_DIAGRAM = (40, 30, 1160, 650)


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    alt_text: str
    draw: object
    focus: tuple = HEADING_AND_DIAGRAM

    def png(self):
        image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
        self.draw(ImageDraw.Draw(image))
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        return buffer.getvalue()


def font(size):
    return ImageFont.load_default(size=size)


def heading(draw, text, subtitle=None):
    draw.text((60, 40), text, fill=INK, font=font(44))
    if subtitle:
        draw.text((60, 100), subtitle, fill=SOFT, font=font(26))


def label(draw, xy, text, target, colour=INK, size=28):
    """A label at `xy` with a leader line from the label's near edge to `target`."""
    if xy[0] > target[0]:
        end = (xy[0] - 10, xy[1] + size // 2)
    else:
        end = (xy[0] + draw.textlength(text, font=font(size)) + 10, xy[1] + size // 2)
    draw.line([target, end], fill=colour, width=3)
    draw.ellipse([target[0] - 6, target[1] - 6, target[0] + 6, target[1] + 6], fill=colour)
    draw.text(xy, text, fill=colour, font=font(size))


def draw_spine(draw):
    heading(draw, "The lumbar spine", "Side view of the lower back, from L1 to the coccyx")
    x, top = 470, 150
    names = ["L1", "L2", "L3", "L4", "L5"]
    for index, name in enumerate(names):
        y = top + index * 96
        draw.rounded_rectangle([x, y, x + 200, y + 72], radius=18, fill=BONE, outline=BONE_EDGE, width=4)
        draw.polygon([(x + 200, y + 20), (x + 290, y + 36), (x + 200, y + 56)], fill=BONE, outline=BONE_EDGE)
        draw.text((x + 78, y + 18), name, fill=INK, font=font(32))
        if index < len(names) - 1:
            draw.rounded_rectangle(
                [x + 8, y + 74, x + 192, y + 94], radius=10, fill=DISC, outline=(70, 110, 140)
            )
    sacrum_top = top + 5 * 96 - 4
    draw.polygon(
        [(x, sacrum_top), (x + 200, sacrum_top), (x + 160, sacrum_top + 110), (x + 40, sacrum_top + 110)],
        fill=BONE,
        outline=BONE_EDGE,
        width=4,
    )
    draw.text((x + 60, sacrum_top + 30), "Sacrum", fill=INK, font=font(28))
    draw.polygon(
        [(x + 70, sacrum_top + 118), (x + 130, sacrum_top + 118), (x + 100, sacrum_top + 160)],
        fill=BONE,
        outline=BONE_EDGE,
        width=4,
    )
    label(draw, (800, 200), "Vertebral body (bone)", (x + 150, top + 36))
    label(draw, (800, 300), "Intervertebral disc", (x + 150, top + 86), colour=(40, 90, 130))
    label(draw, (800, 420), "Facet joints and ligaments", (x + 250, top + 236))
    label(draw, (800, 560), "Sacroiliac joint region", (x + 190, sacrum_top + 40))
    label(draw, (90, 700), "Coccyx (tailbone)", (x + 90, sacrum_top + 135))
    label(draw, (90, 380), "Muscles and tendons", (x - 60, top + 250), colour=PINE)
    draw.rectangle([x - 60, top + 80, x - 20, top + 420], fill=PINE_TINT, outline=PINE, width=3)


def draw_radiation(draw):
    heading(draw, "Where lower back pain is felt", "Pain starts in the lumbar region and can radiate")
    cx = 600
    outline = {"fill": PINE_TINT, "outline": PINE, "width": 4}
    draw.ellipse([cx - 55, 150, cx + 55, 260], **outline)  # head
    draw.rectangle([cx - 22, 258, cx + 22, 290], **outline)  # neck
    draw.rounded_rectangle([cx - 120, 288, cx + 120, 540], radius=40, **outline)  # torso
    draw.rounded_rectangle([cx - 175, 300, cx - 125, 520], radius=22, **outline)  # arms
    draw.rounded_rectangle([cx + 125, 300, cx + 175, 520], radius=22, **outline)
    draw.rounded_rectangle([cx - 110, 540, cx - 15, 760], radius=30, **outline)  # legs
    draw.rounded_rectangle([cx + 15, 540, cx + 110, 760], radius=30, **outline)
    draw.ellipse([cx - 85, 430, cx + 85, 530], fill=PAIN_TINT, outline=PAIN, width=5)  # lower back
    draw.text((cx - 62, 462), "Lower back", fill=PAIN, font=font(26))
    for text, target, at in [
        ("Neck", (cx + 20, 275), (860, 230)),
        ("Shoulders", (cx + 120, 305), (860, 330)),
        ("Hips", (cx + 110, 525), (860, 520)),
        ("Knees", (cx + 62, 665), (860, 660)),
    ]:
        draw.line([(cx + 84, 482), target], fill=PAIN, width=3)
        label(draw, at, text, target, colour=PAIN, size=30)
    draw.text((60, 640), "Also common:", fill=INK, font=font(28))
    draw.text((60, 680), "morning stiffness", fill=SOFT, font=font(26))
    draw.text((60, 716), "on waking", fill=SOFT, font=font(26))


def draw_timeline(draw):
    heading(draw, "Treatment and recovery timeline", "Typical course of an episode of lower back pain")
    y = 420
    draw.line([(90, y), (1110, y)], fill=INK, width=6)
    draw.polygon([(1110, y - 14), (1140, y), (1110, y + 14)], fill=INK)
    stages = [
        (170, "Onset", "pain and stiffness", PAIN),
        (450, "First weeks", "medication, ice/heat,\nmesotherapy sessions", PINE),
        (740, "2-3 months", "significant\nimprovement", PINE),
        (1010, "Afterwards", "risk of recurrence:\nprevention matters", AMBER),
    ]
    for index, (x, title, text, colour) in enumerate(stages):
        draw.ellipse([x - 18, y - 18, x + 18, y + 18], fill=colour)
        above = index % 2 == 0
        box_top = y - 210 if above else y + 50
        box = [x - 140, box_top, x + 140, box_top + 160]
        draw.rounded_rectangle(box, radius=16, fill="white", outline=colour, width=4)
        draw.line(
            [(x, y - 18 if above else y + 18), (x, box_top + (160 if above else 0))], fill=colour, width=3
        )
        draw.text((x - 120, box_top + 18), title, fill=colour, font=font(32))
        draw.multiline_text((x - 120, box_top + 66), text, fill=INK, font=font(24), spacing=8)


SPINE = Figure(
    key="spine",
    title="Lumbar spine diagram",
    alt_text=(
        "Side-view diagram of the lumbar spine: five vertebrae labelled L1 to L5 with discs between them, "
        "then the sacrum and the coccyx, with labels for discs, facet joints, muscles and the sacroiliac "
        "joint."
    ),
    draw=draw_spine,
)
RADIATION = Figure(
    key="radiation",
    title="Pain radiation map",
    alt_text=(
        "Outline of a human figure with the lower back highlighted in red and arrows showing pain "
        "radiating to the neck, shoulders, hips and knees."
    ),
    draw=draw_radiation,
)
TIMELINE = Figure(
    key="timeline",
    title="Treatment timeline",
    alt_text=(
        "Timeline from onset of pain, through the first weeks of medication, ice and heat and mesotherapy, "
        "to significant improvement at two to three months, followed by a risk of recurrence."
    ),
    draw=draw_timeline,
)
FIGURES = (SPINE, RADIATION, TIMELINE)
