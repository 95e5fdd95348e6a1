"""Wiring from above: the derived indexes subscribe to "testimony saved / removed" (``intake_app.records.derived``).

``records`` and ``bundles`` publish the events and import none of the subscribers, so no package cycle exists between
them and ``stats``, ``persons``, ``perpetrators`` or ``recording``. Every entry point (the CLI, the desktop app, the
test suite) calls :func:`install` once before it opens a vault; it is idempotent.
"""

from __future__ import annotations

from intake_app.archive import persons as archive_persons
from intake_app.perpetrators import registry as perpetrator_registry
from intake_app.persons import candidates as person_index
from intake_app.persons import mentions as person_mentions
from intake_app.persons import registry as person_registry
from intake_app.recording import service as recording_service
from intake_app.records import consent_rows
from intake_app.records.derived import DerivedIndex, register
from intake_app.stats import facts as stat_facts


def install() -> None:
    """Register every derived index of the product."""
    register(DerivedIndex("stats", stat_facts.TABLES, stat_facts.refresh, stat_facts.remove_testimonies,
                          catch_up=stat_facts.sync, saved_change=stat_facts.apply_change,
                          saved_changes=stat_facts.apply_changes))
    # The persons index catches up lazily (person_indexed holds the revision it was built from): nothing on save.
    register(DerivedIndex("persons-index", person_index.INDEX_TABLES, None, person_index.remove_testimonies))
    register(DerivedIndex("persons-registry", person_registry.REGISTRY_TABLES, None,
                          person_registry.remove_testimonies))
    register(DerivedIndex("perpetrators-registry", perpetrator_registry.REGISTRY_TABLES, None,
                          perpetrator_registry.remove_testimonies))
    # Each revision's consent, written where the revision enters (the consent decision's withdrawal rule reads it).
    register(DerivedIndex("consent", consent_rows.TABLES, consent_rows.refresh, consent_rows.remove_testimonies,
                          saved_change=consent_rows.apply_change, saved_changes=consent_rows.apply_changes))
    register(DerivedIndex("recordings", recording_service.TABLES, None, recording_service.remove_testimonies))
    person_mentions.register_reference_finder(archive_persons.find_reference_mention)
