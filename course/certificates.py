"""Certificate PDFs, drawn with reportlab, in the course site's brand (`course.models.branding`)."""

import io
import logging

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from course.models.branding import brand_for

logger = logging.getLogger(__name__)

PINE = colors.HexColor("#1f5c45")
INK = colors.HexColor("#1d2b26")
SOFT = colors.HexColor("#44554e")
LOGO_RENDITION = "max-480x240"
LOGO_BOX = (150, 70)  # points: the logo fits this box, in the top left corner


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


def certificate_pdf(certificate, verify_url):
    """The certificate as PDF bytes. Page streams are left uncompressed so the text stays searchable."""
    enrollment = certificate.enrollment
    brand = brand_for(enrollment.course.get_site())
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=0)
    pdf.setTitle(f"Certificate of completion: {enrollment.course.title}")
    pdf.setAuthor(brand.name)
    pdf.setStrokeColor(PINE)
    pdf.setLineWidth(6)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setLineWidth(1.5)
    pdf.rect(42, 42, width - 84, height - 84)

    logo = logo_reader(brand.logo)
    if logo is not None:
        box_width, box_height = LOGO_BOX
        pdf.drawImage(
            logo,
            60,
            height - 60 - box_height,
            width=box_width,
            height=box_height,
            preserveAspectRatio=True,
            anchor="nw",
            mask="auto",
        )
    if brand.name:
        pdf.setFillColor(PINE)
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawCentredString(width / 2, height - 110, brand.name.upper())
    pdf.setFillColor(INK)
    pdf.setFont("Helvetica-Bold", 36)
    pdf.drawCentredString(width / 2, height - 175, "Certificate of Completion")
    pdf.setFont("Helvetica", 16)
    pdf.drawCentredString(width / 2, height - 230, "This certifies that")
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 280, certificate.holder_name)
    pdf.setFont("Helvetica", 16)
    pdf.drawCentredString(width / 2, height - 325, "has completed the course")
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawCentredString(width / 2, height - 365, enrollment.course.title)
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(width / 2, height - 410, f"Issued on {certificate.issued_at:%d %B %Y}")
    if brand.signatory_name:
        pdf.setStrokeColor(INK)
        pdf.setLineWidth(0.75)
        pdf.line(width / 2 - 120, 150, width / 2 + 120, 150)
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawCentredString(width / 2, 135, brand.signatory_name)
        title_line = ", ".join(part for part in (brand.signatory_title, brand.name) if part)
        if title_line:
            pdf.setFont("Helvetica", 10)
            pdf.setFillColor(SOFT)
            pdf.drawCentredString(width / 2, 121, title_line)
    pdf.setFont("Helvetica", 10)
    pdf.setFillColor(SOFT)
    pdf.drawCentredString(width / 2, 80, f"Verify this certificate at {verify_url}")
    pdf.drawCentredString(width / 2, 65, f"Certificate code {certificate.code}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
