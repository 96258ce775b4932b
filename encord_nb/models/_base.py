"""The one pydantic configuration every wire model builds on.

Two flavours exist because the Encord JSON mixes cases: the label-row top level, data units,
metadata and ontology containers are snake_case, while frame objects, answers, geometry and the
v2 DTOs are camelCase. Both accept either spelling on input, keep unknown keys, and write the
wire spelling back.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

_COMMON = dict(
    extra="allow",
    validate_by_name=True,
    validate_by_alias=True,
    serialize_by_alias=True,
    # Wire objects are many and small; skipping re-validation of model instances keeps building cheap.
    revalidate_instances="never",
)


class WireModel(BaseModel):
    """A snake_case wire document: field names are the JSON keys, extra keys are kept."""

    model_config = ConfigDict(**_COMMON)


class CamelModel(BaseModel):
    """A camelCase wire document: ``object_hash`` in Python is ``objectHash`` in JSON."""

    model_config = ConfigDict(alias_generator=to_camel, **_COMMON)
