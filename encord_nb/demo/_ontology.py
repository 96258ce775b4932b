"""The demo ontology: one class per thing in the photos, every shape, every attribute kind.

Feature hashes are fixed 8-character strings (some with ``+`` and ``/``, as real ones can have) so
the demo labels, the tests and the tutorials can name them.
"""

from __future__ import annotations

from typing import Any

ONTOLOGY_HASH = "0a7d0c1a-5b1f-4c3e-9a47-3d2f8e6b1c01"  # the SDK wants a UUID here
ONTOLOGY_TITLE = "Demo: things in photos"


def _option(oid: str, label: str, fh: str, nested: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    option: dict[str, Any] = {
        "id": oid,
        "label": label,
        "value": label.lower().replace(" ", "_"),
        "featureNodeHash": fh,
        "archived": False,
    }
    if nested:
        option["options"] = nested
    return option


def _attribute(
    aid: str, name: str, kind: str, fh: str, options: list[dict[str, Any]] | None = None, *,
    required: bool = False, dynamic: bool = False,
) -> dict[str, Any]:
    attribute: dict[str, Any] = {
        "id": aid,
        "name": name,
        "type": kind,
        "featureNodeHash": fh,
        "required": required,
        "archived": False,
        "dynamic": dynamic,
    }
    if options is not None:
        attribute["options"] = options
    return attribute


def _object(oid: str, name: str, color: str, shape: str, fh: str, attributes=None, *, archived=False):
    obj: dict[str, Any] = {
        "id": oid,
        "name": name,
        "color": color,
        "shape": shape,
        "featureNodeHash": fh,
        "required": False,
        "archived": archived,
    }
    if attributes:
        obj["attributes"] = attributes
    return obj


ONTOLOGY_STRUCTURE: dict[str, Any] = {
    "objects": [
        _object("1", "Cat face", "#D33115", "bounding_box", "Fb0xCat1", [
            _attribute("1.1", "Mood", "radio", "FaMood01", [
                _option("1.1.1", "Happy", "FoHappy1"),
                _option("1.1.2", "Grumpy", "FoGrump1", [
                    _attribute("1.1.2.1", "Reason", "text", "FaReasn1"),
                ]),
            ], required=True),
            _attribute("1.2", "Flags", "checklist", "FaFlags1", [
                _option("1.2.1", "Occluded", "FoOccl01"),
                _option("1.2.2", "Truncated", "FoTrunc1"),
            ]),
            _attribute("1.3", "Moving", "radio", "FaMovin1", [
                _option("1.3.1", "Yes", "FoMovYes"),
                _option("1.3.2", "No", "FoMovNo1"),
            ], dynamic=True),
            _attribute("1.4", "Size cm", "numeric", "FaSize01"),
        ]),
        _object("2", "Eye", "#FCDC00", "point", "Fk+Eye01"),
        _object("3", "Cup", "#16406C", "polygon", "FpCup/01", [
            _attribute("3.1", "Contents", "text", "FaConten"),
        ]),
        _object("4", "Spoon", "#FE9200", "polyline", "FlSpoon1"),
        _object("5", "Coin", "#68BC00", "bounding_box", "FbCoin01", [
            _attribute("5.1", "Condition", "radio", "FaCond01", [
                _option("5.1.1", "Clear", "FoClear1"),
                _option("5.1.2", "Worn", "FoWorn01"),
            ]),
        ]),
        _object("6", "Coin outline", "#009CE0", "polygon", "FpCoin+2"),
        _object("7", "Coin mask", "#DBDF00", "bitmask", "FmCoin/3"),
        _object("8", "Rocket", "#E27300", "rotatable_bounding_box", "FrRocket"),
        _object("9", "Launch tower", "#7B64FF", "rotatable_bounding_box", "FrTower1"),
        _object("10", "Vessel", "#B0BC00", "polyline", "FlVes/01", [
            _attribute("10.1", "Vessel type", "radio", "FaVesTyp", [
                _option("10.1.1", "Artery", "FoArtery"),
                _option("10.1.2", "Vein", "FoVein01"),
            ]),
        ]),
        _object("11", "Optic disc", "#FA28FF", "point", "FkDisc01"),
        _object("12", "Face keypoints", "#A4DD00", "skeleton", "FsFace01"),
        _object("13", "Astronaut", "#0062B1", "bounding_box", "FbAstro1", [
            _attribute("13.1", "Suit colour", "text", "FaSuit01"),
        ]),
        _object("14", "Old marker", "#999999", "point", "FkOld001", archived=True),
    ],
    "classifications": [
        {"id": "1", "featureNodeHash": "CcScene1", "attributes": [
            _attribute("1.1", "Scene", "radio", "CaScene1", [
                _option("1.1.1", "Indoor", "CoIndoor"),
                _option("1.1.2", "Outdoor", "CoOutdor", [
                    _attribute("1.1.2.1", "Time of day", "radio", "CaTime01", [
                        _option("1.1.2.1.1", "Day", "CoDay001"),
                        _option("1.1.2.1.2", "Night", "CoNight1"),
                    ]),
                ]),
            ]),
        ]},
        {"id": "2", "featureNodeHash": "CcTags01", "attributes": [
            _attribute("2.1", "Tags", "checklist", "CaTags01", [
                _option("2.1.1", "Blurry", "CoBlurry"),
                _option("2.1.2", "Dark", "CoDark01"),
                _option("2.1.3", "Close-up", "CoClose+"),
            ]),
        ]},
        {"id": "3", "featureNodeHash": "CcNote01", "attributes": [
            _attribute("3.1", "Note", "text", "CaNote01"),
        ]},
        {"id": "4", "featureNodeHash": "CcQualty", "level": "global", "attributes": [
            _attribute("4.1", "Image quality", "radio", "CaQualty", [
                _option("4.1.1", "Good", "CoGood01"),
                _option("4.1.2", "Bad", "CoBad001"),
            ]),
        ]},
    ],
    "skeleton_templates": [
        {"template": {
            "name": "Face keypoints",
            "width": 0.2,
            "height": 0.2,
            "skeleton": {
                "0": {"x": 0.4, "y": 0.4, "name": "left eye", "color": "#00FF00", "value": "left_eye", "featureHash": "KpLEye01"},
                "1": {"x": 0.6, "y": 0.4, "name": "right eye", "color": "#00FF00", "value": "right_eye", "featureHash": "KpREye01"},
                "2": {"x": 0.5, "y": 0.5, "name": "nose", "color": "#FF0000", "value": "nose", "featureHash": "KpNose01"},
                "3": {"x": 0.5, "y": 0.6, "name": "mouth", "color": "#0000FF", "value": "mouth", "featureHash": "KpMouth1"},
            },
            "skeletonEdges": {
                "0": {"2": {"color": "#000000"}},
                "1": {"2": {"color": "#000000"}},
                "2": {"3": {"color": "#000000"}},
            },
            "feature_node_hash": "FsFace01",
            "shape": "skeleton",
        }},
    ],
}


def _index() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}

    def walk(node: dict[str, Any]) -> None:
        if "featureNodeHash" in node:
            found.setdefault(node.get("name") or node.get("label"), node)
        for key in ("attributes", "options"):
            for child in node.get(key, []):
                walk(child)

    for item in ONTOLOGY_STRUCTURE["objects"]:
        found[item["name"]] = item
        for child in item.get("attributes", []):
            walk(child)
    for item in ONTOLOGY_STRUCTURE["classifications"]:
        for child in item["attributes"]:
            walk(child)
    return found


_BY_NAME = _index()


def node(name: str) -> dict[str, Any]:
    """The ontology object, attribute or option called ``name`` (names are unique in the demo ontology)."""
    return _BY_NAME[name]


def classification_of(attribute_name: str) -> dict[str, Any]:
    """The top-level classification whose first attribute is ``attribute_name``."""
    return next(c for c in ONTOLOGY_STRUCTURE["classifications"] if c["attributes"][0]["name"] == attribute_name)
