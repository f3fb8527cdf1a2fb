"""The demo's starter marketing image, drawn with Pillow (deterministic, no network).

It lives in the "Marketing" collection, the only images marketers may choose, and
illustrates the teaser article, so the article does not borrow a figure from the
course. It shows nothing taught only to enrolled students: a stylised spine, the
course's name and its free preview.
"""

import io

from PIL import Image, ImageDraw, ImageFont

TITLE = "Pinewood Academy — course banner"
ALT_TEXT = (
    "Pinewood Academy banner in pine green: a stylised lower spine of five vertebrae beside the words "
    "“Lower back pain, from first question to care”, “An online mesotherapy course for practitioners” "
    "and a label saying “First lesson free”."
)
FILE_NAME = "pinewood-course-banner.png"

WIDTH, HEIGHT = 1200, 630  # the shape link previews use
PINE = (31, 92, 69)
PINE_DEEP = (20, 64, 48)
PINE_TINT = (214, 232, 223)
PAPER = (251, 250, 247)
BONE = (236, 226, 205)
BONE_EDGE = (176, 156, 120)
DISC = (126, 170, 201)
AMBER = (232, 176, 60)


def font(size):
    return ImageFont.load_default(size=size)


def draw_banner(draw):
    # A deeper band on the right holds the spine; rings echo a tree's growth rings.
    draw.rectangle([760, 0, WIDTH, HEIGHT], fill=PINE_DEEP)
    for radius in range(80, 560, 60):
        draw.ellipse([980 - radius, 315 - radius, 980 + radius, 315 + radius], outline=PINE, width=3)
    x, top = 900, 70
    for index in range(5):
        y = top + index * 92
        draw.rounded_rectangle([x, y, x + 160, y + 66], radius=18, fill=BONE, outline=BONE_EDGE, width=4)
        if index < 4:
            draw.rounded_rectangle([x + 8, y + 68, x + 152, y + 88], radius=10, fill=DISC)
    draw.polygon([(x, 530), (x + 160, 530), (x + 120, 610), (x + 40, 610)], fill=BONE, outline=BONE_EDGE)

    draw.text((70, 70), "PINEWOOD ACADEMY", fill=PINE_TINT, font=font(30))
    draw.line([(70, 118), (250, 118)], fill=AMBER, width=5)
    draw.multiline_text(
        (70, 160), "Lower back pain,\nfrom first question\nto care", fill=PAPER, font=font(64), spacing=14
    )
    draw.text((70, 420), "An online mesotherapy course for practitioners", fill=PINE_TINT, font=font(30))
    label, size = "First lesson free", 34
    width = draw.textlength(label, font=font(size))
    draw.rounded_rectangle([70, 490, 70 + width + 72, 560], radius=35, fill=AMBER)
    draw.text((106, 506), label, fill=PINE_DEEP, font=font(size))


def png():
    """The banner as PNG bytes; the same bytes every time."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PINE)
    draw_banner(ImageDraw.Draw(image))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
