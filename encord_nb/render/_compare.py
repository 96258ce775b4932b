"""Comparing two label sets on one frame: IoU matching per class, and drawing TP / FP / FN."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
from PIL import Image

from ._annotation import Annotation
from ._colour import Colour
from ._pixels import PixelBox, annotation_shape, area_mask, upright
from ._pillow import PillowPainter
from ._style import ColourBy, Style

#: Default IoU a candidate needs to count as finding a reference object.
DEFAULT_IOU_THRESHOLD = 0.5
#: Lines, points and skeletons have no area: they are matched on their extent grown by this many pixels.
NON_AREA_PADDING_PX = 5

TP_COLOUR: Colour = (44, 160, 44)
FP_COLOUR: Colour = (214, 39, 40)
FN_COLOUR: Colour = (255, 187, 0)


@dataclass(frozen=True)
class Match:
    """A reference object found by a candidate, and how well they overlap."""

    reference: Annotation
    candidate: Annotation
    iou: float


@dataclass(frozen=True)
class ClassCounts:
    """True positives, false positives and false negatives of one class."""

    tp: int = 0
    fp: int = 0
    fn: int = 0


@dataclass(frozen=True)
class MatchResult:
    """The outcome of :func:`match_annotations`.

    Attributes:
        matches: true positives (reference and candidate pairs).
        false_positives: candidates that found nothing.
        false_negatives: reference objects nothing found.
        per_class: counts by class name.
    """

    matches: list[Match] = field(default_factory=list)
    false_positives: list[Annotation] = field(default_factory=list)
    false_negatives: list[Annotation] = field(default_factory=list)
    per_class: dict[str, ClassCounts] = field(default_factory=dict)

    @property
    def counts(self) -> ClassCounts:
        """Totals over all classes."""
        return ClassCounts(len(self.matches), len(self.false_positives), len(self.false_negatives))


class _Region:
    """An annotation's pixels, as a box (fast IoU) or a mask in a box."""

    def __init__(self, annotation: Annotation, width: int, height: int):
        shape = annotation_shape(annotation, width, height)
        self.mask: np.ndarray | None = None
        self.box: PixelBox | None = None
        if shape.kind in ("area", "mask") and shape.box is None:
            found = area_mask(shape, width, height)
            if found is not None:
                self.box, self.mask = found
        else:
            extent = shape.extent()
            if extent is not None and shape.box is None:
                p = NON_AREA_PADDING_PX
                extent = (extent[0] - p, extent[1] - p, extent[2] + p, extent[3] + p)
            self.box = extent
        self.area = 0 if self.box is None else (
            int(self.mask.sum()) if self.mask is not None else (self.box[2] - self.box[0]) * (self.box[3] - self.box[1])
        )

    def iou(self, other: _Region) -> float:
        if self.box is None or other.box is None:
            return 0.0
        x0, y0 = max(self.box[0], other.box[0]), max(self.box[1], other.box[1])
        x1, y1 = min(self.box[2], other.box[2]), min(self.box[3], other.box[3])
        if x1 <= x0 or y1 <= y0:
            return 0.0
        if self.mask is None and other.mask is None:
            inter = (x1 - x0) * (y1 - y0)
        else:
            inter = int(np.count_nonzero(self._window(x0, y0, x1, y1) & other._window(x0, y0, x1, y1)))
        union = self.area + other.area - inter
        return inter / union if union else 0.0

    def _window(self, x0: int, y0: int, x1: int, y1: int) -> np.ndarray:
        if self.mask is None:
            return np.ones((y1 - y0, x1 - x0), dtype=bool)
        bx, by = self.box[0], self.box[1]
        return self.mask[y0 - by : y1 - by, x0 - bx : x1 - bx]


def iou(a: Annotation, b: Annotation, width: int, height: int) -> float:
    """Intersection over union of two annotations' pixels in a ``width`` x ``height`` image.

    Areas use their exact (even-odd) pixels; lines, points and skeletons their padded extent.

    Example:
        >>> from encord_nb.models import BoundingBox, Shape
        >>> a = Annotation("a", "Cat", "F", Shape.BOUNDING_BOX, BoundingBox(x=0, y=0, w=0.5, h=0.5))
        >>> b = Annotation("b", "Cat", "F", Shape.BOUNDING_BOX, BoundingBox(x=0.25, y=0, w=0.5, h=0.5))
        >>> round(iou(a, b, 100, 100), 3)
        0.333
    """
    return _Region(a, width, height).iou(_Region(b, width, height))


def match_annotations(
    reference: Iterable[Annotation],
    candidate: Iterable[Annotation],
    width: int,
    height: int,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
) -> MatchResult:
    """Match candidate objects (e.g. predictions) to reference objects (e.g. the main branch) per class.

    Within each class, candidates are taken by decreasing confidence; each takes the unmatched
    reference object it overlaps most, if that IoU reaches ``iou_threshold``.

    Example:
        >>> from encord_nb.models import BoundingBox, Shape
        >>> a = Annotation("a", "Cat", "F", Shape.BOUNDING_BOX, BoundingBox(x=0, y=0, w=0.5, h=0.5))
        >>> match_annotations([a], [a], 100, 100).counts
        ClassCounts(tp=1, fp=0, fn=0)
    """
    reference, candidate = list(reference), list(candidate)
    regions = {id(a): _Region(a, width, height) for a in [*reference, *candidate]}
    result = MatchResult()
    for name in dict.fromkeys(a.class_name for a in [*reference, *candidate]):
        refs = [r for r in reference if r.class_name == name]
        taken = [False] * len(refs)
        cands = sorted((c for c in candidate if c.class_name == name), key=lambda c: -c.confidence)
        tp = fp = 0
        for cand in cands:
            region = regions[id(cand)]
            scores = [-1.0 if taken[i] else region.iou(regions[id(r)]) for i, r in enumerate(refs)]
            best = int(np.argmax(scores)) if scores else -1
            if best >= 0 and scores[best] >= iou_threshold and scores[best] > 0:
                taken[best] = True
                result.matches.append(Match(refs[best], cand, scores[best]))
                tp += 1
            else:
                result.false_positives.append(cand)
                fp += 1
        missed = [r for r, t in zip(refs, taken) if not t]
        result.false_negatives.extend(missed)
        result.per_class[name] = ClassCounts(tp, fp, len(missed))
    return result


class ComparePainter:
    """Draws two label sets on one frame as true positives, false positives and false negatives.

    True positives show the candidate, false positives the unmatched candidate, false negatives
    the missed reference object; each label starts with ``TP``, ``FP`` or ``FN``.

    Args:
        style: the overlay style (its hidden classes and confidence threshold filter both sets first).
        iou_threshold: IoU needed for a match.
        mismatches_only: leave true positives out.

    Example:
        >>> from PIL import Image
        >>> from encord_nb.models import BoundingBox, Shape
        >>> a = Annotation("a", "Cat", "F", Shape.BOUNDING_BOX, BoundingBox(x=0, y=0, w=0.5, h=0.5))
        >>> ComparePainter(mismatches_only=True).draw(Image.new("RGB", (8, 8)), [a], [a]).getpixel((0, 0))
        (0, 0, 0)
    """

    def __init__(
        self,
        style: Style | None = None,
        *,
        iou_threshold: float = DEFAULT_IOU_THRESHOLD,
        mismatches_only: bool = False,
        colours: tuple[Colour, Colour, Colour] = (TP_COLOUR, FP_COLOUR, FN_COLOUR),
    ):
        self.style = style or Style()
        self.iou_threshold = iou_threshold
        self.mismatches_only = mismatches_only
        self.colours = colours
        #: The style the outcome is drawn in: colours decide the outcome, filtering happened before matching.
        self.overlay_style = dataclasses.replace(
            self.style, colour_by=ColourBy.ONTOLOGY, hidden_classes=frozenset(), min_confidence=0.0
        )

    def compare(self, reference: Sequence[Annotation], candidate: Sequence[Annotation], width: int, height: int) -> MatchResult:
        """Match the visible objects of both sets (see :func:`match_annotations`)."""
        return match_annotations(
            self.style.visible(reference), self.style.visible(candidate), width, height, self.iou_threshold
        )

    def outcomes(
        self, reference: Sequence[Annotation], candidate: Sequence[Annotation], width: int, height: int
    ) -> list[Annotation]:
        """The objects to draw, recoloured and tagged ``TP``/``FN``/``FP`` (draw them with ``overlay_style``)."""
        result = self.compare(reference, candidate, width, height)
        tp, fp, fn = self.colours

        def tagged(annotation: Annotation, tag: str, colour: Colour) -> Annotation:
            return dataclasses.replace(annotation, class_name=f"{tag} {annotation.class_name}", colour=colour)

        shown = [] if self.mismatches_only else [tagged(m.candidate, "TP", tp) for m in result.matches]
        shown += [tagged(a, "FN", fn) for a in result.false_negatives]
        shown += [tagged(a, "FP", fp) for a in result.false_positives]
        return shown

    def draw(self, image: Image.Image, reference: Sequence[Annotation], candidate: Sequence[Annotation]) -> Image.Image:
        """Paint the comparison of ``candidate`` against ``reference`` over a copy of ``image``."""
        image = upright(image)
        return PillowPainter(self.overlay_style).draw(image, self.outcomes(reference, candidate, *image.size))
