"""Two more marketing images for the demo's newer teaser articles, drawn with Pillow.

Like the starter banner (`banner`), they live in the "Marketing" collection, are deterministic
and need no network. They show shapes and the courses' public names only.
"""

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from lms_site.demo.banner import AMBER, HEIGHT, PAPER, PINE, PINE_DEEP, PINE_TINT, WIDTH, font

SEA = (32, 78, 112)
SEA_DEEP = (19, 48, 72)
SCREEN = (12, 16, 20)
ECHO = (190, 200, 205)


@dataclass(frozen=True)
class Poster:
    key: str
    title: str
    alt_text: str
    draw: object

    @property
    def file_name(self):
        return f"{self.key}.png"

    def png(self):
        """The poster as PNG bytes; the same bytes every time."""
        image = Image.new("RGB", (WIDTH, HEIGHT), SEA if self.key.startswith("ultrasound") else PINE)
        self.draw(ImageDraw.Draw(image))
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
        return buffer.getvalue()


def draw_ultrasound(draw):
    # A fan-shaped scan on a dark screen, with layers as arcs and a needle as a bright line.
    draw.rectangle([700, 0, WIDTH, HEIGHT], fill=SEA_DEEP)
    draw.rounded_rectangle([740, 60, 1140, 570], radius=24, fill=SCREEN)
    draw.pieslice([640, -140, 1240, 460 + 60], start=55, end=125, fill=(40, 44, 48))
    for index, radius in enumerate(range(120, 420, 60)):
        shade = ECHO if index % 2 else (120, 128, 132)
        draw.arc(
            [940 - radius, 80 - radius, 940 + radius, 80 + radius], start=58, end=122, fill=shade, width=5
        )
    draw.line([(780, 150), (960, 390)], fill=PAPER, width=6)
    draw.ellipse([952, 382, 972, 402], fill=AMBER)
    draw.rounded_rectangle([890, 30, 990, 70], radius=12, fill=PINE_TINT)

    draw.text((70, 70), "PINEWOOD ACADEMY", fill=PINE_TINT, font=font(30))
    draw.line([(70, 118), (250, 118)], fill=AMBER, width=5)
    draw.multiline_text((70, 160), "See the needle,\nsee the target", fill=PAPER, font=font(64), spacing=14)
    draw.text((70, 360), "Ultrasound Guidance Basics", fill=PINE_TINT, font=font(34))
    draw.text((70, 405), "for Injection Procedures", fill=PINE_TINT, font=font(34))
    label = "Intermediate · approval enrollment"
    width = draw.textlength(label, font=font(28))
    draw.rounded_rectangle([70, 490, 70 + width + 64, 556], radius=33, fill=AMBER)
    draw.text((102, 506), label, fill=SEA_DEEP, font=font(28))


def draw_calendar(draw):
    # A calendar page with one day ringed, for the article announcing what comes next.
    draw.rectangle([760, 0, WIDTH, HEIGHT], fill=PINE_DEEP)
    draw.rounded_rectangle([830, 110, 1130, 520], radius=20, fill=PAPER)
    draw.rounded_rectangle([830, 110, 1130, 190], radius=20, fill=AMBER)
    draw.rectangle([830, 160, 1130, 190], fill=AMBER)
    for row in range(4):
        for column in range(5):
            x, y = 860 + column * 54, 220 + row * 72
            draw.rectangle([x, y, x + 34, y + 34], fill=PINE_TINT)
    draw.ellipse([960, 348, 1022, 410], outline=PINE, width=6)

    draw.text((70, 70), "PINEWOOD ACADEMY", fill=PINE_TINT, font=font(30))
    draw.line([(70, 118), (250, 118)], fill=AMBER, width=5)
    draw.multiline_text((70, 160), "Two courses,\none catalogue", fill=PAPER, font=font(64), spacing=14)
    draw.text((70, 360), "Mesotherapy and ultrasound guidance", fill=PINE_TINT, font=font(34))
    label = "Coming soon"
    width = draw.textlength(label, font=font(34))
    draw.rounded_rectangle([70, 490, 70 + width + 72, 560], radius=35, fill=AMBER)
    draw.text((106, 506), label, fill=PINE_DEEP, font=font(34))


ULTRASOUND = Poster(
    key="ultrasound-course-banner",
    title="Pinewood Academy — ultrasound course banner",
    alt_text=(
        "Banner in deep blue: a fan-shaped ultrasound scan with a bright needle line reaching a target, "
        "beside the words “See the needle, see the target” and “Ultrasound Guidance Basics for "
        "Injection Procedures”."
    ),
    draw=draw_ultrasound,
)
CALENDAR = Poster(
    key="catalogue-calendar-banner",
    title="Pinewood Academy — coming soon banner",
    alt_text=(
        "Banner in pine green: a calendar page with one day ringed, beside the words “Two courses, one "
        "catalogue”, “Mesotherapy and ultrasound guidance” and a label saying “Coming soon”."
    ),
    draw=draw_calendar,
)
POSTERS = [ULTRASOUND, CALENDAR]
