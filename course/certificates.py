"""Certificate PDFs, drawn with reportlab, in the course site's brand (`course.models.branding`),
with a QR code (segno) of the public verification page."""

import io
import logging

import segno
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
    """ "6.0 CPD hours, accredited by <body>", or what of it is set; "" when neither is."""
    parts = []
    if certificate.hours is not None:
        parts.append(f"{certificate.hours:.1f} CPD hour{'' if certificate.hours == 1 else 's'}")
    if certificate.accrediting_body:
        parts.append(f"accredited by {certificate.accrediting_body}")
    line = ", ".join(parts)
    return line[:1].upper() + line[1:]


def dates_line(certificate):
    line = f"Issued on {certificate.issued_at:%d %B %Y}"
    if certificate.expires_at is not None:
        line += f" · Valid until {certificate.expires_at:%d %B %Y}"
    return line


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
    pdf.setTitle(f"Certificate of completion: {course.title}")
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
    pdf.drawCentredString(width / 2, height - 155, "Certificate of Completion")
    pdf.setFont("Helvetica", 15)
    pdf.drawCentredString(width / 2, height - 195, "This certifies that")
    pdf.setFont("Helvetica-Bold", 28)
    pdf.drawCentredString(width / 2, height - 238, certificate.holder_name)
    pdf.setFont("Helvetica", 15)
    pdf.drawCentredString(width / 2, height - 275, "has completed the course")
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
    pdf.drawCentredString(width / 2, 80, f"Verify this certificate at {verify_url}")
    pdf.drawCentredString(width / 2, 65, f"Certificate code {certificate.code}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
