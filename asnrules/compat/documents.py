"""Associations as the JSON-shaped objects ``jwst.associations`` code reads.

An :class:`AsnDocument` is a ``dict`` of the association's document (``asn["products"]``)
that also carries its file name (``asn_name``), ``dump()`` and the values its members
pinned, looked up by the names the reference gives them (``asn.constraints["nods"]``).
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from asnrules.diagnostics import AsnRulesError, Diagnostic
from asnrules.engine.association import Association
from asnrules.engine.ruleset import Ruleset
from asnrules.io.output import named_documents, serialize

LOG = logging.getLogger("asnrules.compat.jwst")

YAML_DEPRECATED = (
    "Support for associations as YAML files is deprecated (as in jwst.associations); write JSON."
)


class AssociationError(AsnRulesError):
    """A problem with associations or rules (the reference's ``AssociationError``).

    It is an :class:`~asnrules.diagnostics.AsnRulesError` holding one diagnostic.
    """

    def __init__(self, message: str, code: str = "ASN951", path: str = "<jwst compat>") -> None:
        super().__init__([Diagnostic(path, 0, 0, code, message)])


class AssociationNotValidError(AssociationError):
    """An association document that is not valid."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "ASN952")


@dataclass(frozen=True)
class ConstraintValue:
    """A value an association pinned or recorded, as a reference constraint shows it.

    Attributes
    ----------
    name : str
        The name asked for (the reference's name, or asnrules' own).
    value : str or None
        The pinned value (the first found).
    found_values : list of str
        Every value the members have, pinned first.
    is_acid : bool
        True for the candidate the association was made for.
    """

    name: str
    value: str | None
    found_values: list[str]
    is_acid: bool = False


class Constraints:
    """The values of one association by name; iterating gives every :class:`ConstraintValue`."""

    def __init__(self, asn: Association, aliases: dict[str, str]) -> None:
        self._asn = asn
        self._aliases = aliases

    def _names(self) -> list[str]:
        return list(dict.fromkeys([*self._asn.pins, *self._asn.recorded]))

    def __getitem__(self, name: str) -> ConstraintValue:
        own = self._aliases.get(name.lower(), name.lower())
        found = [*([self._asn.pins[own]] if own in self._asn.pins else [])]
        found.extend(v for v in self._asn.recorded.get(own, ()) if v not in found)
        if not found:
            raise KeyError(name)
        return ConstraintValue(name, found[0], found)

    def __contains__(self, name: object) -> bool:
        try:
            self[str(name)]
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[ConstraintValue]:
        if self._asn.run == "candidate":
            candidate = self._asn.candidate
            yield ConstraintValue("asn_candidate", candidate.id, [candidate.id], is_acid=True)
        for name in self._names():
            yield self[name]


class AsnDocument(dict[str, Any]):
    """An association: a ``dict`` of its document, with the reference's accessors.

    Parameters
    ----------
    native : Association
        The asnrules association (kept as ``native``).
    document : dict
        Its document, as written to its file.
    name : str
        Its file name without extension (``asn_name``).
    aliases : dict
        The ruleset's attribute aliases.
    """

    def __init__(
        self, native: Association, document: dict[str, Any], name: str, aliases: dict[str, str]
    ) -> None:
        super().__init__(document)
        self.native = native
        self.asn_name = name
        self._aliases = aliases

    @property
    def data(self) -> dict[str, Any]:
        """The document itself (the reference keeps it under ``data``)."""
        return self

    @property
    def constraints(self) -> Constraints:
        """Pinned and recorded values, by the reference's names where an alias says so."""
        return Constraints(self.native, self._aliases)

    def dump(self, format: str = "json") -> tuple[str, str]:
        """Return ``(file name, text)`` in ``json`` or (deprecated) ``yaml``."""
        if format == "yaml":
            import yaml

            warnings.warn(YAML_DEPRECATED, DeprecationWarning, stacklevel=2)
            return f"{self.asn_name}.yaml", yaml.safe_dump(dict(self), sort_keys=False)
        if format != "json":
            raise AssociationError(f"unknown association format {format!r} (json or yaml)")
        return f"{self.asn_name}.json", serialize(dict(self))


def wrap(associations: Sequence[Association], ruleset: Ruleset) -> list[AsnDocument]:
    """Wrap finished associations into documents, warning about clashing product names."""
    named = named_documents(associations, ruleset.not_set)
    result = [
        AsnDocument(asn, doc, name.removesuffix(".json"), ruleset.aliases)
        for asn, (name, doc) in zip(associations, named, strict=True)
    ]
    warn_product_clashes(result, ruleset)
    return result


def warn_product_clashes(documents: Sequence[AsnDocument], ruleset: Ruleset | None = None) -> None:
    """Log a warning for associations that share a product name but not their members."""
    by_product: dict[str, list[AsnDocument]] = {}
    for doc in documents:
        by_product.setdefault(str(doc.native.builtins.get("product", "")), []).append(doc)
    for product, group in by_product.items():
        memberships = {
            frozenset(d.native.membership(_identity(d.native, ruleset)).items()) for d in group
        }
        if len(memberships) > 1:
            LOG.warning(
                "Following associations have the same product name but significant "
                "differences: product %r in %s",
                product,
                ", ".join(d.asn_name for d in group),
            )


def _identity(asn: Association, ruleset: Ruleset | None) -> tuple[str, ...]:
    return ruleset.member_identity(asn.rule) if ruleset is not None else ()


def load_asn(
    serialized: str | IO[str],
    fmt: str | None = None,
    first: bool = True,
    validate: bool = True,
    **_ignored: Any,
) -> dict[str, Any]:
    """Read an association document from JSON text or an open file.

    JSON is read first; YAML (deprecated) when asked (``fmt="yaml"``) or when the text
    is not valid JSON, with a deprecation warning. ``first`` is accepted for
    compatibility; there is one reader, so one document is returned.

    Raises
    ------
    AssociationNotValidError
        When the text is neither JSON nor YAML of an association document.
    """
    name = getattr(serialized, "name", None)
    text = serialized if isinstance(serialized, str) else serialized.read()
    suffix = Path(str(name)).suffix.lstrip(".") if name else ""
    if suffix in ("yaml", "yml"):
        warnings.warn(YAML_DEPRECATED, DeprecationWarning, stacklevel=2)
    try:
        if fmt == "yaml":
            raise ValueError("YAML asked for")
        data = json.loads(text)
    except ValueError:
        data = _yaml(text, suffix)
    if validate:
        validate_document(data)
    _warn_paths(data)
    return data if first else [data]  # type: ignore[return-value]


def _yaml(text: str, suffix: str) -> Any:
    import yaml

    if suffix == "json":
        message = (
            "Association file has json suffix but is invalid JSON or is force-loaded as YAML; "
            "reading it as YAML, which is deprecated."
        )
        warnings.warn(message, DeprecationWarning, stacklevel=3)
        LOG.warning(message)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AssociationNotValidError(f"not an association (JSON or YAML): {exc}") from None


def validate_document(data: Any) -> None:
    """Raise :class:`AssociationNotValidError` unless ``data`` has the document's shape."""
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise AssociationNotValidError("an association is a mapping with a 'products' list")
    for product in data["products"]:
        members = product.get("members") if isinstance(product, dict) else None
        if not isinstance(members, list) or not all(
            isinstance(m, dict) and "expname" in m and "exptype" in m for m in members
        ):
            raise AssociationNotValidError(
                "every product needs 'members', each with 'expname' and 'exptype'"
            )


def _warn_paths(data: dict[str, Any]) -> None:
    for product in data["products"]:
        for member in product["members"]:
            if Path(str(member["expname"])).name != str(member["expname"]):
                warnings.warn(
                    f"member expname {member['expname']!r} contains a path; "
                    "the pipeline reads members beside the association file",
                    UserWarning,
                    stacklevel=3,
                )
