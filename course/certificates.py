"""Certificate PDFs, drawn with reportlab, in the course site's brand (`course.models.branding`),
with a QR code (segno) of the public verification page."""

import io
import logging

import segno
from django.template.defaultfilters import floatformat
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext, ngettext, pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from course.certificate_records import printed_signatory
from course.models.branding import brand_for
from course.tasks import root_url_of

logger = logging.getLogger(__name__)

PINE = colors.HexColor("#1f5c45")
INK = colors.HexColor("#1d2b26")
SOFT = colors.HexColor("#44554e")
LOGO_RENDITION = "max-480x240"
LOGO_BOX = (150, 70)  # points: the logo fits this box, in the top left corner
SIGNATURE_BOX = (180, 50)  # points: the signature image fits this box, on the signature line
QR_SIZE = 90  # points (about 32 mm): scannable from a printout, in the bottom right corner


def logo_reader(image):
    """The brand logo as something reportlab can draw, or None if it is unset or unreadable."""
    if image is None:
        return None
    try:
        rendition = image.get_rendition(LOGO_RENDITION)
        with rendition.file.open("rb") as file:
            reader = ImageReader(io.BytesIO(file.read()))
        reader.getSize()  # fails now, not halfway through the PDF, if the file is no image
        return reader
    except Exception:  # noqa: BLE001 - a missing or broken logo must not cost the student their certificate
        logger.warning("Certificate logo (image %s) could not be read; printing without it.", image.pk)
        return None


def verification_url(certificate):
    """The certificate's public verification page, absolute, on its course's Wagtail Site (as the
    emails build links), whatever host the request came in on."""
    return root_url_of(certificate.enrollment.course) + certificate.get_absolute_url()


def qr_code(url):
    """The QR code printed on the certificate: the verification URL, nothing else."""
    return segno.make(url, error="m", micro=False)


def draw_qr(pdf, url, x, y, size):
    """The QR code as vector squares (sharp at any zoom), `size` points wide, bottom left at x, y."""
    qr = qr_code(url)
    rows = list(qr.matrix_iter(scale=1, border=0))
    module = size / len(rows)
    pdf.setFillColor(colors.black)
    for row_number, row in enumerate(rows):
        top = y + size - (row_number + 1) * module
        for column, dark in enumerate(row):
            if dark:
                pdf.rect(x + column * module, top, module, module, stroke=0, fill=1)
    pdf.linkURL(url, (x, y, x + size, y + size), relative=0)


def draw_image(pdf, reader, x, y, box, anchor):
    box_width, box_height = box
    pdf.drawImage(
        reader, x, y, width=box_width, height=box_height, preserveAspectRatio=True, anchor=anchor, mask="auto"
    )


def credit_line(certificate):
    """ "6.0 CPD hours, accredited by <body>", or what of it is set; "" when neither is. The same
    messages as the verification page (course/certificate_verify.html), so both read alike."""
    hours, body = certificate.hours, certificate.accrediting_body
    if hours is None:
        return gettext("Accredited by %(body)s") % {"body": body} if body else ""
    values = {"hours": floatformat(hours, 1), "body": body}
    if hours != int(hours):
        if body:
            return pgettext("fractional hours", "%(hours)s CPD hours, accredited by %(body)s") % values
        return pgettext("fractional hours", "%(hours)s CPD hours") % values
    if body:
        return (
            ngettext(
                "%(hours)s CPD hour, accredited by %(body)s",
                "%(hours)s CPD hours, accredited by %(body)s",
                int(hours),
            )
            % values
        )
    return ngettext("%(hours)s CPD hour", "%(hours)s CPD hours", int(hours)) % values


def dates_line(certificate):
    """The issue date, and the expiry date if there is one, with month names in the active language."""
    issued_on = format_date(certificate.issued_at, "d F Y")
    if certificate.expires_at is None:
        return gettext("Issued on %(issued_on)s") % {"issued_on": issued_on}
    # Translators: on the certificate PDF, under the course title.
    return gettext("Issued on %(issued_on)s · Valid until %(expires_on)s") % {
        "issued_on": issued_on,
        "expires_on": format_date(certificate.expires_at, "d F Y"),
    }


def certificate_pdf(certificate, verify_url=None):
    """The certificate as PDF bytes. Page streams are left uncompressed so the text stays searchable."""
    enrollment = certificate.enrollment
    course = enrollment.course
    verify_url = verify_url or verification_url(certificate)
    brand = brand_for(course.get_site())
    signatory_name, signatory_title, signature = printed_signatory(certificate, course)
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=0)
    pdf.setTitle(gettext("Certificate of completion: %(title)s") % {"title": course.title})
    pdf.setAuthor(brand.name)
    pdf.setStrokeColor(PINE)
    pdf.setLineWidth(6)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setLineWidth(1.5)
    pdf.rect(42, 42, width - 84, height - 84)

    logo = logo_reader(brand.logo)
    if logo is not None:
        draw_image(pdf, logo, 60, height - 60 - LOGO_BOX[1], LOGO_BOX, "nw")
    if brand.name:
        pdf.setFillColor(PINE)
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawCentredString(width / 2, height - 100, brand.name.upper())
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica-Bold", 34)
    # Translators: the heading of the certificate PDF, above "This certifies that <name> has completed
    # the course <title>".
    pdf.drawCentredString(width / 2, height - 155, gettext("Certificate of Completion"))
    pdf.setFont("Helvetica", 15)
    pdf.drawCentredString(width / 2, height - 195, gettext("This certifies that"))
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(width / 2, height - 238, certificate.holder_name)
    pdf.setFont("Helvetica", 15)
    pdf.drawCentredString(width / 2, height - 275, gettext("has completed the course"))
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawCentredString(width / 2, height - 308, course.title)
    credits = credit_line(certificate)
    if credits:
        pdf.setFont("Helvetica-Bold", 13)
        pdf.setFillColor(PINE)
        pdf.drawCentredString(width / 2, height - 338, credits)
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(width / 2, height - 362, dates_line(certificate))

    if signatory_name:
        signature_reader = logo_reader(signature)
        if signature_reader is not None:
            draw_image(pdf, signature_reader, width / 2 - SIGNATURE_BOX[0] / 2, 153, SIGNATURE_BOX, "s")
        pdf.setStrokeColor(INK)
        pdf.setLineWidth(0.75)
        pdf.line(width / 2 - 120, 150, width / 2 + 120, 150)
        pdf.setFillColor(INK)
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawCentredString(width / 2, 135, signatory_name)
        title_line = ", ".join(part for part in (signatory_title, brand.name) if part)
        if title_line:
            pdf.setFont("Helvetica", 10)
            pdf.setFillColor(SOFT)
            pdf.drawCentredString(width / 2, 121, title_line)
    draw_qr(pdf, verify_url, width - 60 - QR_SIZE, 60, QR_SIZE)
    pdf.setFont("Helvetica", 10)
    pdf.setFillColor(SOFT)
    pdf.drawCentredString(width / 2, 80, gettext("Verify this certificate at %(url)s") % {"url": verify_url})
    pdf.drawCentredString(width / 2, 65, gettext("Certificate code %(code)s") % {"code": certificate.code})
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
