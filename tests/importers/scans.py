"""Scanned sheets made in code: a PDF's pages rendered to grey images as a scanner sees them
(a little askew, blurred and speckled, JPEG-compressed), wrapped in a PDF of images only."""

from __future__ import annotations

import io

import numpy
import pypdfium2
from PIL import Image, ImageFilter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas


def scan(pdf: bytes, *, dpi: int = 200, skew: float = 0.4, noise: float = 10.0,
         seed: int = 0) -> bytes:
    """An image-only PDF of `pdf`'s pages (no text layer), at `dpi`, turned by `skew`
    degrees, with grey noise of standard deviation `noise` (deterministic by `seed`)."""
    random = numpy.random.default_rng(seed)
    source = pypdfium2.PdfDocument(pdf)
    out = io.BytesIO()
    sheet = canvas.Canvas(out, invariant=1)
    try:
        for page in source:
            width, height = page.get_size()
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            image = image.rotate(skew, resample=Image.BICUBIC, fillcolor=255)
            image = image.filter(ImageFilter.GaussianBlur(0.6))
            pixels = numpy.asarray(image, dtype=numpy.float32)
            pixels = pixels + random.normal(0.0, noise, pixels.shape)
            image = Image.fromarray(numpy.clip(pixels, 0, 255).astype(numpy.uint8), "L")
            jpeg = io.BytesIO()
            image.save(jpeg, "JPEG", quality=70)
            sheet.setPageSize((width, height))
            sheet.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 0, 0, width, height)
            sheet.showPage()
    finally:
        source.close()
    sheet.save()
    return out.getvalue()


def blank_scan(pages: int = 1) -> bytes:
    """An image-only PDF whose pages are white paper."""
    out = io.BytesIO()
    sheet = canvas.Canvas(out, invariant=1)
    for _ in range(pages):
        jpeg = io.BytesIO()
        Image.new("L", (400, 566), 250).save(jpeg, "JPEG")
        sheet.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 0, 0, 595, 842)
        sheet.showPage()
    sheet.save()
    return out.getvalue()
