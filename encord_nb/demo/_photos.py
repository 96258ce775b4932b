"""Hand-made labels for the demo photos, and the errors planted among them.

Every coordinate was placed by looking at the photo and checked by drawing it back onto it.
Photo sizes (width x height): chelsea 451x300, coffee 600x400, coins 384x303, rocket 640x427,
astronaut 512x512, retina 1411x1411.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from . import _shapes as s
from ._video import PAN_FRAMES, VIDEO_FRAMES, box_in_frame, point_in_frame

__all__ = ["PLANTED_ERRORS", "PlantedError", "RowLabels"]

VISUAL_QA = "Demo: visual QA"


@dataclass(frozen=True)
class PlantedError:
    """A label that is wrong on purpose, for the QA tutorial to find.

    Attributes:
        project_title: the demo project holding it.
        data_title: the data unit (photo) it is on.
        branch_name: the label branch (``main`` or ``predictions``).
        object_hash: the wrong object's hash.
        kind: ``wrong_class``, ``offset_box``, ``self_intersecting_polygon`` or ``low_confidence``.
        description: what is wrong, in words.

    Example:
        >>> [e.kind for e in PLANTED_ERRORS]
        ['wrong_class', 'offset_box', 'self_intersecting_polygon', 'low_confidence']
    """

    project_title: str
    data_title: str
    branch_name: str
    object_hash: str
    kind: str
    description: str


@dataclass
class RowLabels:
    """The labels of one row: frame -> frame objects, plus the row-level answer maps."""

    objects: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    object_answers: dict[str, Any] = field(default_factory=dict)
    object_actions: dict[str, Any] = field(default_factory=dict)
    classification_answers: dict[str, Any] = field(default_factory=dict)

    def add(self, frame: int, entry: dict[str, Any], *answers: dict[str, Any]) -> None:
        self.objects.setdefault(frame, []).append(entry)
        if entry["objectHash"] not in self.object_answers:
            self.object_answers[entry["objectHash"]] = s.object_answer(entry["objectHash"], *answers)

    def classify(self, entry: dict[str, Any]) -> None:
        self.classification_answers[entry["classificationHash"]] = entry


# ------------------------------------------------------------------ geometry, by photo

CAT_FACE = (0.06, 0.10, 0.84, 0.89)
CAT_LEFT_EYE = (0.378, 0.37)
CAT_RIGHT_EYE = (0.695, 0.44)
CAT_NOSE = (0.577, 0.805)
CAT_MOUTH = (0.572, 0.9)

CUP = [
    (0.29, 0.22), (0.31, 0.14), (0.36, 0.08), (0.43, 0.05), (0.50, 0.045), (0.57, 0.06), (0.63, 0.10),
    (0.67, 0.16), (0.68, 0.24), (0.665, 0.35), (0.645, 0.46), (0.625, 0.56), (0.59, 0.62), (0.52, 0.67),
    (0.45, 0.69), (0.43, 0.70), (0.415, 0.72), (0.39, 0.76), (0.36, 0.765), (0.335, 0.74), (0.325, 0.68),
    (0.33, 0.62), (0.34, 0.59), (0.32, 0.50), (0.30, 0.38),
]
SPOON = [(0.70, 0.175), (0.68, 0.32), (0.64, 0.55), (0.615, 0.66), (0.61, 0.79)]

# Every coin, row by row, left to right (x, y, w, h).
COINS = [
    (0.055, 0.109, 0.120, 0.135), (0.211, 0.129, 0.102, 0.116), (0.341, 0.092, 0.125, 0.152),
    (0.500, 0.099, 0.125, 0.142), (0.664, 0.112, 0.104, 0.125), (0.794, 0.053, 0.154, 0.185),
    (0.065, 0.343, 0.109, 0.135), (0.219, 0.353, 0.099, 0.125), (0.349, 0.363, 0.104, 0.116),
    (0.484, 0.347, 0.107, 0.129), (0.638, 0.317, 0.133, 0.158), (0.826, 0.347, 0.102, 0.132),
    (0.065, 0.591, 0.099, 0.125), (0.208, 0.578, 0.115, 0.139), (0.352, 0.591, 0.102, 0.125),
    (0.492, 0.561, 0.125, 0.152), (0.659, 0.568, 0.115, 0.145), (0.820, 0.515, 0.169, 0.201),
    (0.047, 0.769, 0.148, 0.175), (0.242, 0.809, 0.112, 0.139), (0.383, 0.782, 0.135, 0.165),
    (0.573, 0.795, 0.128, 0.155), (0.719, 0.792, 0.130, 0.158), (0.875, 0.818, 0.117, 0.135),
]
COIN_WRONG_CLASS = 7  # labelled "Cat face"
COIN_OFFSET = 14  # box shifted off the coin
COIN_OUTLINES = (2, 9, 15)
COIN_TWISTED_OUTLINE = 20  # outline with two vertices swapped
COIN_MASKED = 17
COIN_OFFSET_BY = (0.07, 0.06)

ROCKET = (0.484, 0.302, 0.040, 0.646, 0.0)
TOWER = (0.031, 0.01, 0.105, 0.90, 4.0)
RIGHT_MAST = (0.689, 0.29, 0.03, 0.66, 0.0)  # where the low-confidence "Rocket" prediction sits

ASTRONAUT = (0.045, 0.03, 0.675, 0.97)
ASTRONAUT_FACE = {
    "left eye": (0.39, 0.195, "visible"),
    "right eye": (0.48, 0.195, "visible"),
    "nose": (0.4375, 0.238, "visible"),
    "mouth": (0.44, 0.28, "visible"),
}

VESSELS = [  # (points in 900-px tracing units, vessel type)
    ([(130, 370), (160, 330), (195, 270), (240, 220), (290, 190), (330, 195), (400, 215), (450, 235),
      (510, 265), (580, 272), (650, 260), (720, 235), (800, 195)], "Vein"),
    ([(145, 355), (175, 290), (205, 230), (235, 180), (270, 140), (320, 115), (380, 100), (450, 95),
      (530, 105), (600, 115), (680, 105), (720, 95)], "Artery"),
    ([(112, 480), (125, 560), (160, 625), (190, 680), (230, 718), (300, 752), (370, 773), (450, 782),
      (540, 782), (640, 776), (720, 762), (800, 720)], "Vein"),
    ([(130, 560), (200, 593), (275, 612), (355, 606), (435, 588), (540, 553), (620, 555), (720, 580),
      (800, 600)], "Artery"),
]
OPTIC_DISC = (0.158, 0.452)


def _coin_outline(pixels: np.ndarray, coin: tuple[float, float, float, float], rays: int) -> list[tuple[float, float]]:
    """Trace a coin's edge: from its centre, walk out along ``rays`` directions until the bright
    coin gives way to the dark background."""
    height, width = pixels.shape
    x, y, w, h = coin
    cx, cy = (x + w / 2) * width, (y + h / 2) * height
    reach = 0.6 * max(w * width, h * height)
    out = []
    for k in range(rays):
        angle = 2 * math.pi * k / rays
        dx, dy = math.cos(angle), math.sin(angle)
        last = 0.0
        r = 0.0
        while r < reach:
            px, py = int(round(cx + dx * r)), int(round(cy + dy * r))
            if not (0 <= px < width and 0 <= py < height):
                break
            if pixels[py, px] > 100:
                last = r
            elif r - last > 2:
                break
            r += 0.5
        out.append(((cx + dx * last) / width, (cy + dy * last) / height))
    return out


def _coin_mask(pixels: np.ndarray, coin: tuple[float, float, float, float]) -> np.ndarray:
    height, width = pixels.shape
    outline = _coin_outline(pixels, coin, 72)
    canvas = Image.new("1", (width, height), 0)
    ImageDraw.Draw(canvas).polygon([(px * width, py * height) for px, py in outline], fill=1)
    return np.asarray(canvas, dtype=bool)


# ------------------------------------------------------------------ rows


def _oh(row: str, name: str) -> str:
    return s.short_hash(f"{row}/{name}")


def _ch(row: str, name: str) -> str:
    return s.short_hash(f"{row}/classification/{name}")


def chelsea(row: str, *, predictions: bool = False) -> RowLabels:
    labels = RowLabels()
    if predictions:
        labels.add(0, s.frame_object("Cat face", _oh(row, "face"), s.box(0.07, 0.095, 0.83, 0.9),
                                     confidence=0.93, manual=False, author=s.MODEL))
        labels.add(0, s.frame_object("Eye", _oh(row, "eye-l"), s.point(0.381, 0.372),
                                     confidence=0.88, manual=False, author=s.MODEL))
        labels.add(0, s.frame_object("Eye", _oh(row, "eye-r"), s.point(0.69, 0.445),
                                     confidence=0.81, manual=False, author=s.MODEL))
        return labels
    labels.add(0, s.frame_object("Cat face", _oh(row, "face"), s.box(*CAT_FACE)),
               s.answer("Mood", "Grumpy"), s.answer("Reason", "no breakfast yet"),
               s.answer("Flags", ["Truncated"]), s.answer("Size cm", 14))
    labels.add(0, s.frame_object("Eye", _oh(row, "eye-l"), s.point(*CAT_LEFT_EYE)))
    labels.add(0, s.frame_object("Eye", _oh(row, "eye-r"), s.point(*CAT_RIGHT_EYE)))
    labels.add(0, s.frame_object("Face keypoints", _oh(row, "keypoints"), s.skeleton({
        "left eye": (*CAT_LEFT_EYE, "visible"),
        "right eye": (*CAT_RIGHT_EYE, "visible"),
        "nose": (*CAT_NOSE, "visible"),
        "mouth": (*CAT_MOUTH, "occluded"),
    })))
    labels.classify(s.classification(_ch(row, "scene"), "Scene", "Indoor", [[0, 0]]))
    labels.classify(s.classification(_ch(row, "tags"), "Tags", ["Close-up"], [[0, 0]]))
    labels.classify(s.classification(_ch(row, "note"), "Note", "Chelsea looks just past the camera", [[0, 0]]))
    labels.classify(s.classification(_ch(row, "quality"), "Image quality", "Good", []))
    return labels


def coffee(row: str, *, predictions: bool = False) -> RowLabels:
    labels = RowLabels()
    if predictions:
        rough = CUP[::2]
        labels.add(0, s.frame_object("Cup", _oh(row, "cup"), s.polygon(rough), confidence=0.9, manual=False,
                                     author=s.MODEL))
        return labels
    labels.add(0, s.frame_object("Cup", _oh(row, "cup"), s.polygon(CUP)), s.answer("Contents", "espresso"))
    labels.add(0, s.frame_object("Spoon", _oh(row, "spoon"), s.polyline(SPOON)))
    labels.classify(s.classification(_ch(row, "scene"), "Scene", "Indoor", [[0, 0]]))
    labels.classify(s.classification(_ch(row, "quality"), "Image quality", "Good", []))
    return labels


def coins(row: str, photo: Path, *, predictions: bool = False) -> RowLabels:
    labels = RowLabels()
    if predictions:
        for index, (x, y, w, h) in enumerate(COINS):
            confidence = round(0.72 + 0.25 * ((index * 7) % 10) / 9, 2)
            labels.add(0, s.frame_object("Coin", _oh(row, f"coin-{index}"), s.box(x + 0.003, y - 0.002, w, h),
                                         confidence=confidence, manual=False, author=s.MODEL))
        return labels
    pixels = np.asarray(Image.open(photo).convert("L"))
    for index, coin in enumerate(COINS):
        if index == COIN_WRONG_CLASS:
            labels.add(0, s.frame_object("Cat face", _oh(row, f"coin-{index}"), s.box(*coin)),
                       s.answer("Mood", "Happy"))
        elif index == COIN_OFFSET:
            x, y, w, h = coin
            labels.add(0, s.frame_object("Coin", _oh(row, f"coin-{index}"),
                                         s.box(x + COIN_OFFSET_BY[0], y + COIN_OFFSET_BY[1], w, h)))
        else:
            condition = ["Clear", "Worn"][index % 2]
            labels.add(0, s.frame_object("Coin", _oh(row, f"coin-{index}"), s.box(*coin)),
                       s.answer("Condition", condition))
    for index in (*COIN_OUTLINES, COIN_TWISTED_OUTLINE):
        outline = _coin_outline(pixels, COINS[index], 16)
        if index == COIN_TWISTED_OUTLINE:
            outline[3], outline[11] = outline[11], outline[3]
        labels.add(0, s.frame_object("Coin outline", _oh(row, f"outline-{index}"), s.polygon(outline)))
    labels.add(0, s.frame_object("Coin mask", _oh(row, f"mask-{COIN_MASKED}"), s.bitmask(_coin_mask(pixels, COINS[COIN_MASKED]))))
    labels.classify(s.classification(_ch(row, "scene"), "Scene", "Indoor", [[0, 0]]))
    labels.classify(s.classification(_ch(row, "note"), "Note", "Greek coins from Pompeii", [[0, 0]]))
    return labels


def rocket(row: str, *, predictions: bool = False) -> RowLabels:
    labels = RowLabels()
    if predictions:
        labels.add(0, s.frame_object("Rocket", _oh(row, "rocket"), s.rotated_box(0.482, 0.305, 0.043, 0.64, 0.5),
                                     confidence=0.95, manual=False, author=s.MODEL))
        labels.add(0, s.frame_object("Launch tower", _oh(row, "tower"), s.rotated_box(0.035, 0.02, 0.1, 0.88, 3.5),
                                     confidence=0.77, manual=False, author=s.MODEL))
        labels.add(0, s.frame_object("Rocket", _oh(row, "mast"), s.rotated_box(*RIGHT_MAST),
                                     confidence=0.31, manual=False, author=s.MODEL))
        return labels
    labels.add(0, s.frame_object("Rocket", _oh(row, "rocket"), s.rotated_box(*ROCKET)))
    labels.add(0, s.frame_object("Launch tower", _oh(row, "tower"), s.rotated_box(*TOWER)))
    labels.classify(s.classification(_ch(row, "scene"), "Scene", "Outdoor", [[0, 0]], s.answer("Time of day", "Night")))
    labels.classify(s.classification(_ch(row, "quality"), "Image quality", "Good", []))
    return labels


def astronaut(row: str) -> RowLabels:
    labels = RowLabels()
    labels.add(0, s.frame_object("Astronaut", _oh(row, "astronaut"), s.box(*ASTRONAUT)),
               s.answer("Suit colour", "orange"))
    labels.add(0, s.frame_object("Face keypoints", _oh(row, "face"), s.skeleton(ASTRONAUT_FACE)))
    labels.classify(s.classification(_ch(row, "scene"), "Scene", "Indoor", [[0, 0]]))
    return labels


def retina(row: str) -> RowLabels:
    labels = RowLabels()
    for index, (trace, kind) in enumerate(VESSELS):
        labels.add(0, s.frame_object("Vessel", _oh(row, f"vessel-{index}"),
                                     s.polyline([(x / 900, y / 900) for x, y in trace])),
                   s.answer("Vessel type", kind))
    labels.add(0, s.frame_object("Optic disc", _oh(row, "disc"), s.point(*OPTIC_DISC)))
    labels.classify(s.classification(_ch(row, "tags"), "Tags", ["Dark"], [[0, 0]]))
    labels.classify(s.classification(_ch(row, "quality"), "Image quality", "Good", []))
    return labels


def image_group(row: str) -> RowLabels:
    """Labels for the group coffee (0), coins (1), rocket (2), chelsea (3)."""
    labels = RowLabels()
    labels.add(0, s.frame_object("Cup", _oh(row, "cup"), s.polygon(CUP)), s.answer("Contents", "espresso"))
    for index in (0, 5, 17):
        labels.add(1, s.frame_object("Coin", _oh(row, f"coin-{index}"), s.box(*COINS[index])),
                   s.answer("Condition", "Clear"))
    labels.add(2, s.frame_object("Rocket", _oh(row, "rocket"), s.rotated_box(*ROCKET)))
    labels.add(3, s.frame_object("Eye", _oh(row, "eye-l"), s.point(*CAT_LEFT_EYE)))
    labels.add(3, s.frame_object("Eye", _oh(row, "eye-r"), s.point(*CAT_RIGHT_EYE)))
    labels.classify(s.classification(_ch(row, "indoor"), "Scene", "Indoor", [[0, 1], [3, 3]]))
    labels.classify(s.classification(_ch(row, "outdoor"), "Scene", "Outdoor", [[2, 2]], s.answer("Time of day", "Night")))
    return labels


RIGHT_EYE_GAP = range(30, 40)  # the right eye's track pauses here (a gap in the track)


def video(row: str, size: tuple[int, int]) -> RowLabels:
    """Tracks over the pan: the cat's face (clipped to the frame) and both eyes, frame by frame."""
    labels = RowLabels()
    face, left, right = _oh(row, "face"), _oh(row, "eye-l"), _oh(row, "eye-r")
    for frame in range(VIDEO_FRAMES):
        clipped = box_in_frame(CAT_FACE, frame, size)
        if clipped is not None:
            labels.add(frame, s.frame_object("Cat face", face, s.box(*clipped)),
                       s.answer("Mood", "Happy"), s.answer("Flags", ["Truncated"]))
        at = point_in_frame(*CAT_LEFT_EYE, frame, size)
        if at is not None:
            labels.add(frame, s.frame_object("Eye", left, s.point(*at)))
        at = point_in_frame(*CAT_RIGHT_EYE, frame, size)
        if at is not None and frame not in RIGHT_EYE_GAP:
            labels.add(frame, s.frame_object("Eye", right, s.point(*at)))
    labels.object_actions[face] = {
        "actions": [
            s.dynamic_answer("Moving", "Yes", [[0, PAN_FRAMES - 1]]),
            s.dynamic_answer("Moving", "No", [[PAN_FRAMES, VIDEO_FRAMES - 1]]),
        ],
        "objectHash": face,
    }
    labels.classify(s.classification(_ch(row, "scene"), "Scene", "Indoor", [[0, 29], [45, VIDEO_FRAMES - 1]]))
    labels.classify(s.classification(_ch(row, "quality"), "Image quality", "Good", []))
    return labels


def _planted() -> list[PlantedError]:
    row = "visual-qa/coins.png"
    return [
        PlantedError(VISUAL_QA, "coins.png", "main", _oh(row, f"coin-{COIN_WRONG_CLASS}"), "wrong_class",
                     "a coin (second row, second from left) is labelled 'Cat face' instead of 'Coin'"),
        PlantedError(VISUAL_QA, "coins.png", "main", _oh(row, f"coin-{COIN_OFFSET}"), "offset_box",
                     "the box of a coin (third row, third from left) is shifted right and down, off its coin"),
        PlantedError(VISUAL_QA, "coins.png", "main", _oh(row, f"outline-{COIN_TWISTED_OUTLINE}"),
                     "self_intersecting_polygon",
                     "a coin outline (bottom row, third from left) has two vertices swapped, so its edges cross"),
        PlantedError(VISUAL_QA, "rocket.jpg", "predictions", _oh("visual-qa/rocket.jpg", "mast"), "low_confidence",
                     "the model took the right lightning mast for a 'Rocket', with confidence 0.31"),
    ]


PLANTED_ERRORS: tuple[PlantedError, ...] = tuple(_planted())
