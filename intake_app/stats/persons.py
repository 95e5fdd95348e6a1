"""The person unit: which registry person each victim mention belongs to (issue 14's registry).

A mention never linked is a person of its own. The registry is optional at this layer: a vault (or a build) without it
counts every mention as its own person, which is what an empty registry means anyway.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from intake_app.vault.vault import Vault

PersonOf = Callable[[str], str]


def person_resolver(vault: Vault) -> PersonOf:
    """``mention -> person key`` as the person registry says now."""
    try:
        registry = importlib.import_module("intake_app.persons.registry")
    except ImportError:
        return lambda mention: mention
    mapping: dict[str, str] = registry.person_map(vault)
    return lambda mention: mapping.get(mention, mention)
