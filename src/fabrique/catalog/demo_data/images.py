"""Illustrations of a few demo commons, drawn here with Pillow (no file shipped).

Each entry of :data:`IMAGES` is (commons key, text alternative, drawing
function); a drawing function returns PNG bytes.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 960, 540
INK = (31, 41, 51)
GREEN = (11, 110, 79)
LIGHT = (232, 242, 237)
ORANGE = (196, 98, 16)
GREY = (150, 160, 170)
PAPER = (255, 255, 255)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    return image, ImageDraw.Draw(image)


def hourly_profile() -> bytes:
    """Bike counts per hour of a weekday: the two commuting peaks."""
    image, draw = _canvas()
    counts = [
        4, 2, 1, 1, 3, 18, 95, 240, 310, 150, 90, 100,
        140, 120, 95, 110, 190, 330, 260, 140, 80, 50, 25, 10,
    ]  # fmt: skip
    left, bottom, top = 80, HEIGHT - 70, 50
    draw.line([(left, top), (left, bottom), (WIDTH - 40, bottom)], fill=INK, width=2)
    step = (WIDTH - 40 - left) / len(counts)
    for hour, count in enumerate(counts):
        x = left + hour * step + 4
        height = (bottom - top) * count / max(counts)
        colour = ORANGE if count == max(counts) else GREEN
        draw.rectangle([x, bottom - height, x + step - 8, bottom], fill=colour)
        if hour % 3 == 0:
            draw.text((x, bottom + 10), f"{hour} h", fill=INK)
    for value in (100, 200, 300):
        y = bottom - (bottom - top) * value / max(counts)
        draw.line([(left - 6, y), (left, y)], fill=INK, width=2)
        draw.text((left - 40, y - 6), str(value), fill=INK)
    return _png(image)


def station_map() -> bytes:
    """Stations of a bike-sharing system along a river, sized by bikes."""
    image, draw = _canvas()
    draw.rectangle([0, 0, WIDTH, HEIGHT], fill=LIGHT)
    river = [(x, 300 + 60 * math.sin(x / 140)) for x in range(0, WIDTH + 20, 20)]
    draw.line(river, fill=(120, 170, 210), width=26)
    for y in range(40, HEIGHT, 90):
        draw.line([(0, y), (WIDTH, y + 30)], fill=PAPER, width=6)
    for x in range(60, WIDTH, 130):
        draw.line([(x, 0), (x - 40, HEIGHT)], fill=PAPER, width=6)
    rng = random.Random(7)  # noqa: S311 (a drawing, not a secret)
    for _ in range(70):
        x, y = rng.uniform(30, WIDTH - 30), rng.uniform(30, HEIGHT - 30)
        if abs(y - (300 + 60 * math.sin(x / 140))) < 30:
            continue
        bikes = rng.randint(0, 20)
        radius = 5 + bikes / 2
        colour = ORANGE if bikes < 3 else GREEN
        draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)
    return _png(image)


def _wheel(draw: ImageDraw.ImageDraw, x: float, y: float, r: float) -> None:
    draw.ellipse([x - r, y - r, x + r, y + r], outline=INK, width=8)
    draw.ellipse([x - 8, y - 8, x + 8, y + 8], fill=INK)
    for angle in range(0, 360, 30):
        a = math.radians(angle)
        draw.line([(x, y), (x + r * math.cos(a), y + r * math.sin(a))], fill=GREY)


def cargo_bike() -> bytes:
    """Side view of a two-wheeled cargo bike with its box in front."""
    image, draw = _canvas()
    draw.line([(40, 450), (WIDTH - 40, 450)], fill=GREY, width=3)
    front, rear, r = (230, 390), (760, 380), 60
    _wheel(draw, *front, r - 12)
    _wheel(draw, *rear, r)
    crank = (600, 390)
    frame = [front, (300, 330), (520, 330), crank, rear, (640, 230), crank]
    draw.line(frame, fill=GREEN, width=12, joint="curve")
    draw.line([(520, 330), (640, 230)], fill=GREEN, width=12)
    draw.line([(520, 330), (505, 190), (475, 168)], fill=INK, width=8)
    draw.line([(505, 190), (545, 172)], fill=INK, width=8)
    draw.rectangle([610, 210, 690, 222], fill=INK)
    draw.rectangle([170, 200, 480, 325], outline=ORANGE, width=8, fill=LIGHT)
    draw.ellipse([crank[0] - 22, crank[1] - 22, crank[0] + 22, crank[1] + 22], fill=INK)
    return _png(image)


def solar_day() -> bytes:
    """A day of solar production against the charging of bike batteries."""
    image, draw = _canvas()
    left, bottom, top = 70, HEIGHT - 60, 60
    draw.line([(left, top), (left, bottom), (WIDTH - 40, bottom)], fill=INK, width=2)
    span = WIDTH - 40 - left
    hours = [i / 4 for i in range(97)]
    daylight = [max(0.0, math.sin(math.pi * (h - 6) / 14)) for h in hours]
    sun = [
        (left + span * h / 24, bottom - (bottom - top) * light)
        for h, light in zip(hours, daylight, strict=True)
    ]
    draw.polygon([(left, bottom), *sun, (WIDTH - 40, bottom)], fill=(250, 214, 120))
    rng = random.Random(3)  # noqa: S311 (a drawing, not a secret)
    for hour in (8, 9, 12, 13, 14, 17, 18):
        x = left + span * hour / 24
        height = (bottom - top) * rng.uniform(0.2, 0.45)
        draw.rectangle([x, bottom - height, x + span / 30, bottom], fill=GREEN)
    for hour in range(0, 25, 6):
        draw.text((left + span * hour / 24 - 8, bottom + 12), f"{hour} h", fill=INK)
    return _png(image)


IMAGES: list[tuple[str, str, Callable[[], bytes]]] = [
    (
        "comptages-velo",
        "Histogramme des passages de vélos par heure un jour de semaine : deux "
        "pointes, vers 8 h et vers 17 h.",
        hourly_profile,
    ),
    (
        "gbfs-rhone",
        "Carte schématique des stations de part et d’autre d’un fleuve ; la "
        "taille des points indique le nombre de vélos, en orange les stations "
        "presque vides.",
        station_map,
    ),
    (
        "velo-cargo-charrette",
        "Dessin de profil du vélo-cargo Charrette : grande caisse à l’avant, "
        "petite roue avant, cadre vert.",
        cargo_bike,
    ),
    (
        "borne-solaire-velo",
        "Courbe de production solaire d’une journée, en jaune, et recharges de "
        "batteries de vélos, en barres vertes, le matin, à midi et le soir.",
        solar_day,
    ),
]


def receipt_png(line: str) -> bytes:
    """A small invoice-like receipt for the demo's expenses."""
    image = Image.new("RGB", (420, 300), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 409, 289), outline=GREY, width=2)
    draw.text((30, 30), "FACTURE", fill=INK)
    draw.line((30, 55, 390, 55), fill=GREY, width=1)
    for row, y in enumerate(range(75, 200, 25)):
        draw.text((30, y), line[:52] if row == 0 else "·" * (20 + row * 3), fill=INK)
    draw.rectangle((260, 230, 390, 265), fill=LIGHT, outline=GREEN)
    draw.text((275, 242), "ACQUITTÉE", fill=GREEN)
    return _png(image)
