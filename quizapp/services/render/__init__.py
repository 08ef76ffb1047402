"""Renderers: pictures and documents drawn on the server, from data the
services hand them. They read nothing from the database and change nothing.

- cards.py: class sign-in cards (PNG and PDF) with each pupil's pictures
- letters.py: the parent letters with link codes and QR codes (PDF)
- certificate.py: a pupil's certificate for a finished module (PNG)
- charts.py: the dashboards' SVG bar charts
- drawing.py: what they share: fonts, wrapping, QR codes
"""
