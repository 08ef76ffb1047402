"""Renderers: pictures and documents drawn on the server, from data the
services hand them. They read nothing from the database and change nothing.

- document.py: A4 PDFs with real text and the app's own font (fpdf2)
- cards_pdf.py: class sign-in cards as a PDF; cards.py: the same pages as PNGs (a zip)
- letters.py: the parent letters with link codes and QR codes (PDF)
- certificate.py: a pupil's certificate for a finished module (PNG)
- charts.py: the dashboards' SVG bar charts
- drawing.py: what they share: fonts, wrapping, QR codes
"""
