"""Certificate PDFs, drawn with reportlab."""

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

PINE = colors.HexColor("#1f5c45")
INK = colors.HexColor("#1d2b26")


def certificate_pdf(certificate, verify_url):
    """The certificate as PDF bytes. Page streams are left uncompressed so the text stays searchable."""
    enrollment = certificate.enrollment
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height), pageCompression=0)
    pdf.setTitle(f"Certificate of completion: {enrollment.course.title}")
    pdf.setAuthor("Pinewood Academy")
    pdf.setStrokeColor(PINE)
    pdf.setLineWidth(6)
    pdf.rect(30, 30, width - 60, height - 60)
    pdf.setLineWidth(1.5)
    pdf.rect(42, 42, width - 84, height - 84)

    pdf.setFillColor(PINE)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawCentredString(width / 2, height - 110, "PINEWOOD ACADEMY")
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
    pdf.setFont("Helvetica", 10)
    pdf.setFillColor(colors.HexColor("#44554e"))
    pdf.drawCentredString(width / 2, 80, f"Verify this certificate at {verify_url}")
    pdf.drawCentredString(width / 2, 65, f"Certificate code {certificate.code}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
