"""The fixed words of a WGEID case in the three languages the Working Group takes (English, French, Spanish).

Vocabulary values (act types, organs) are given with their English label and, for Korean organ names, the Hangul as
recorded; the element headings, procedure and refusal words below are translated.
"""

from __future__ import annotations

LANGUAGES = ("en", "fr", "es")

WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Communication to the UN Working Group on Enforced or Involuntary Disappearances",
              "fr": "Communication au Groupe de travail des Nations Unies sur les disparitions forcées ou involontaires",
              "es": "Comunicación al Grupo de Trabajo de las Naciones Unidas sobre las Desapariciones Forzadas o "
                    "Involuntarias"},
    "case": {"en": "Case reference", "fr": "Référence du cas", "es": "Referencia del caso"},
    "state": {"en": "State concerned", "fr": "État concerné", "es": "Estado concernido"},
    "dprk": {"en": "Democratic People's Republic of Korea", "fr": "République populaire démocratique de Corée",
             "es": "República Popular Democrática de Corea"},
    "procedure": {"en": "Procedure", "fr": "Procédure", "es": "Procedimiento"},
    "urgent": {"en": "Urgent procedure: the disappearance falls within the three months before submission",
               "fr": "Procédure d'action urgente : la disparition date des trois mois précédant la communication",
               "es": "Procedimiento de acción urgente: la desaparición ocurrió en los tres meses anteriores a la "
                     "comunicación"},
    "standard": {"en": "Standard procedure: the disappearance is older than three months",
                 "fr": "Procédure ordinaire : la disparition date de plus de trois mois",
                 "es": "Procedimiento ordinario: la desaparición tiene más de tres meses"},
    "undated": {"en": "Standard procedure (no date of disappearance is known)",
                "fr": "Procédure ordinaire (aucune date de disparition connue)",
                "es": "Procedimiento ordinario (no se conoce la fecha de la desaparición)"},
    "a": {"en": "(a) Identity of the disappeared person", "fr": "(a) Identité de la personne disparue",
          "es": "(a) Identidad de la persona desaparecida"},
    "b": {"en": "(b) Date of the disappearance", "fr": "(b) Date de la disparition", "es": "(b) Fecha de la desaparición"},
    "c": {"en": "(c) Place of arrest or abduction, or where last seen",
          "fr": "(c) Lieu de l'arrestation ou de l'enlèvement, ou où la personne a été vue pour la dernière fois",
          "es": "(c) Lugar de la detención o secuestro, o donde fue vista por última vez"},
    "d": {"en": "(d) Forces believed responsible", "fr": "(d) Forces présumées responsables",
          "es": "(d) Fuerzas presuntamente responsables"},
    "e": {"en": "(e) Steps taken to find the person", "fr": "(e) Démarches entreprises pour retrouver la personne",
          "es": "(e) Medidas adoptadas para encontrar a la persona"},
    "f": {"en": "(f) Submitted by", "fr": "(f) Soumis par", "es": "(f) Presentado por"},
    "name": {"en": "Name", "fr": "Nom", "es": "Nombre"},
    "sex": {"en": "Sex", "fr": "Sexe", "es": "Sexo"},
    "birth": {"en": "Date of birth", "fr": "Date de naissance", "es": "Fecha de nacimiento"},
    "origin": {"en": "Home place", "fr": "Lieu d'origine", "es": "Lugar de origen"},
    "status": {"en": "Whereabouts", "fr": "Sort", "es": "Paradero"},
    "as_said": {"en": "as said", "fr": "tel que déclaré", "es": "según lo declarado"},
    "understood": {"en": "as understood", "fr": "tel que compris", "es": "según se entiende"},
    "between": {"en": "between {a} and {b}", "fr": "entre le {a} et le {b}", "es": "entre el {a} y el {b}"},
    "act": {"en": "Event", "fr": "Événement", "es": "Hecho"},
    "done": {"en": "What was done", "fr": "Démarche", "es": "Gestión realizada"},
    "place": {"en": "Place", "fr": "Lieu", "es": "Lugar"},
    "date": {"en": "Date", "fr": "Date", "es": "Fecha"},
    "body": {"en": "Addressed to", "fr": "Adressée à", "es": "Dirigida a"},
    "response": {"en": "Response", "fr": "Réponse", "es": "Respuesta"},
    "none_recorded": {"en": "none recorded", "fr": "aucune information enregistrée", "es": "no consta"},
    "organisation": {"en": "Organisation", "fr": "Organisation", "es": "Organización"},
    "contact": {"en": "Contact for follow-up", "fr": "Contact pour le suivi", "es": "Contacto para el seguimiento"},
    "confidential": {"en": "The submitting organisation asks that its identity be kept confidential.",
                     "fr": "L'organisation qui soumet demande que son identité reste confidentielle.",
                     "es": "La organización que presenta solicita que su identidad se mantenga confidencial."},
    "not_confidential": {"en": "The submitting organisation does not ask for confidentiality.",
                         "fr": "L'organisation qui soumet ne demande pas la confidentialité.",
                         "es": "La organización que presenta no solicita confidencialidad."},
    "sources": {"en": "Sources and consent", "fr": "Sources et consentement", "es": "Fuentes y consentimiento"},
    "source_line": {"en": "Source {n}: consent to submission to the WGEID ({value}{date}); names shown: {level}",
                    "fr": "Source {n} : consentement à la soumission au GTDFI ({value}{date}) ; noms : {level}",
                    "es": "Fuente {n}: consentimiento para la presentación al GTDFI ({value}{date}); nombres: {level}"},
    "missing": {"en": "Missing elements", "fr": "Éléments manquants", "es": "Elementos faltantes"},
    "missing_note": {"en": "Missing details should not prevent the submission (WGEID). Missing here:",
                     "fr": "Les détails manquants ne devraient pas empêcher la soumission (GTDFI). Manquent ici :",
                     "es": "La falta de detalles no debe impedir la presentación (GTDFI). Faltan aquí:"},
    "group": {"en": "a group of {n} people", "fr": "un groupe de {n} personnes", "es": "un grupo de {n} personas"},
    # The communication form's fields (issue 28).
    "family_name": {"en": "Family name", "fr": "Nom de famille", "es": "Apellido"},
    "given_names": {"en": "Given names", "fr": "Prénoms", "es": "Nombres de pila"},
    "nationality": {"en": "Nationality", "fr": "Nationalité", "es": "Nacionalidad"},
    "identity_document": {"en": "Identity document", "fr": "Pièce d'identité", "es": "Documento de identidad"},
    "occupation": {"en": "Occupation", "fr": "Profession", "es": "Profesión"},
    "age": {"en": "Age at the time of the disappearance", "fr": "Âge au moment de la disparition",
            "es": "Edad en el momento de la desaparición"},
    "age_exact": {"en": "{a} years", "fr": "{a} ans", "es": "{a} años"},
    "age_range": {"en": "{a} to {b} years", "fr": "{a} à {b} ans", "es": "de {a} a {b} años"},
    "submitted_on": {"en": "Date of submission", "fr": "Date de la communication", "es": "Fecha de presentación"},
    "submitter_relation": {"en": "Relation to the disappeared person", "fr": "Lien avec la personne disparue",
                           "es": "Relación con la persona desaparecida"},
    "organisation_with_family_consent": {
        "en": "Non-governmental organisation acting with the consent of the family",
        "fr": "Organisation non gouvernementale agissant avec le consentement de la famille",
        "es": "Organización no gubernamental que actúa con el consentimiento de la familia"},
    "consent_heading": {"en": "Consent of the family", "fr": "Consentement de la famille",
                        "es": "Consentimiento de la familia"},
    "consent_line": {"en": "Source {n}: consent given by {relation} ({value}{date})",
                     "fr": "Source {n} : consentement donné par {relation} ({value}{date})",
                     "es": "Fuente {n}: consentimiento otorgado por {relation} ({value}{date})"},
    "decided_on": {"en": ", decided on {d}", "fr": ", décision du {d}", "es": ", decisión del {d}"},
    "approximate": {"en": "approximate", "fr": "approximative", "es": "aproximada"},
    "uncertain": {"en": "uncertain", "fr": "incertaine", "es": "incierta"},
}

# Vocabulary values printed in a case, in the three languages (a code never appears in the PDF).
VALUES: dict[str, dict[str, dict[str, str]]] = {
    "anonymity_levels": {
        "full_name": {"en": "full name", "fr": "nom complet", "es": "nombre completo"},
        "initials": {"en": "initials", "fr": "initiales", "es": "iniciales"},
        "pseudonym": {"en": "pseudonym", "fr": "pseudonyme", "es": "seudónimo"},
        "anonymised": {"en": "anonymised", "fr": "anonymisé", "es": "anonimizado"},
    },
    "consent_values": {
        "granted": {"en": "granted", "fr": "accordé", "es": "otorgado"},
        "conditional": {"en": "granted with conditions", "fr": "accordé sous conditions",
                        "es": "otorgado con condiciones"},
        "refused": {"en": "refused", "fr": "refusé", "es": "denegado"},
        "withdrawn": {"en": "withdrawn", "fr": "retiré", "es": "retirado"},
        "not_asked": {"en": "not asked", "fr": "non demandé", "es": "no solicitado"},
    },
    "relations": {
        "self": {"en": "the person themselves", "fr": "la personne elle-même", "es": "la propia persona"},
        "mother": {"en": "the person's mother", "fr": "la mère de la personne", "es": "la madre de la persona"},
        "father": {"en": "the person's father", "fr": "le père de la personne", "es": "el padre de la persona"},
        "sister": {"en": "the person's sister", "fr": "la sœur de la personne", "es": "la hermana de la persona"},
        "brother": {"en": "the person's brother", "fr": "le frère de la personne", "es": "el hermano de la persona"},
        "spouse": {"en": "the person's spouse", "fr": "le conjoint de la personne", "es": "el cónyuge de la persona"},
        "daughter": {"en": "the person's daughter", "fr": "la fille de la personne", "es": "la hija de la persona"},
        "son": {"en": "the person's son", "fr": "le fils de la personne", "es": "el hijo de la persona"},
        "grandparent": {"en": "a grandparent of the person", "fr": "un grand-parent de la personne",
            "es": "un abuelo o abuela de la persona"},
        "grandchild": {"en": "a grandchild of the person", "fr": "un petit-enfant de la personne",
            "es": "un nieto o nieta de la persona"},
        "other_relative": {"en": "a relative of the person", "fr": "un parent de la personne",
            "es": "un familiar de la persona"},
        "friend": {"en": "a friend of the person", "fr": "un ami de la personne", "es": "un amigo de la persona"},
        "neighbour": {"en": "a neighbour of the person", "fr": "un voisin de la personne", "es": "un vecino de la persona"},
        "fellow_detainee": {"en": "a fellow detainee of the person", "fr": "un codétenu de la personne",
            "es": "un compañero de detención de la persona"},
        "witness": {"en": "a witness", "fr": "un témoin", "es": "un testigo"},
        "other": {"en": "another person close to the case", "fr": "une autre personne proche du cas",
            "es": "otra persona cercana al caso"},
        "": {"en": "a source whose relation is not recorded", "fr": "une source dont le lien n'est pas précisé",
            "es": "una fuente cuya relación no consta"},
    },
    "sex": {
        "F": {"en": "Female", "fr": "Féminin", "es": "Femenino"},
        "M": {"en": "Male", "fr": "Masculin", "es": "Masculino"},
        "other": {"en": "Other", "fr": "Autre", "es": "Otro"},
        "unknown": {"en": "Unknown", "fr": "Inconnu", "es": "Desconocido"},
    },
    "whereabouts_status": {
        "missing": {"en": "Missing (still disappeared)", "fr": "Disparue (toujours disparue)",
                    "es": "Desaparecida (sigue desaparecida)"},
        "acknowledged": {"en": "Detention acknowledged by the authorities", "fr": "Détention reconnue par les autorités",
                         "es": "Detención reconocida por las autoridades"},
        "seen_in_detention": {"en": "Seen in detention by witnesses, not acknowledged",
                              "fr": "Vue en détention par des témoins, non reconnue",
                              "es": "Vista detenida por testigos, no reconocida"},
        "deceased": {"en": "Deceased", "fr": "Décédée", "es": "Fallecida"},
        "released": {"en": "Released", "fr": "Libérée", "es": "Liberada"},
        "escaped": {"en": "Escaped", "fr": "Évadée", "es": "Evadida"},
        "unknown": {"en": "Unknown", "fr": "Inconnu", "es": "Desconocido"},
    },
    "act_types": {
        "arrest": {"en": "Arrest", "fr": "Arrestation", "es": "Detención"},
        "abduction": {"en": "Abduction", "fr": "Enlèvement", "es": "Secuestro"},
        "capture_pow": {"en": "Capture as prisoner of war", "fr": "Capture comme prisonnier de guerre",
                        "es": "Captura como prisionero de guerra"},
        "detention": {"en": "Detention", "fr": "Détention", "es": "Reclusión"},
        "interrogation": {"en": "Interrogation", "fr": "Interrogatoire", "es": "Interrogatorio"},
        "forced_repatriation": {"en": "Forced repatriation", "fr": "Rapatriement forcé", "es": "Repatriación forzada"},
        "handover": {"en": "Handover", "fr": "Remise", "es": "Entrega"},
        "transfer": {"en": "Transfer", "fr": "Transfert", "es": "Traslado"},
        "sentencing": {"en": "Sentencing", "fr": "Condamnation", "es": "Condena"},
        "forced_labour": {"en": "Forced labour", "fr": "Travail forcé", "es": "Trabajo forzoso"},
        "torture": {"en": "Torture", "fr": "Torture", "es": "Tortura"},
        "death_in_custody": {"en": "Death in custody", "fr": "Décès en détention", "es": "Muerte bajo custodia"},
        "execution": {"en": "Execution", "fr": "Exécution", "es": "Ejecución"},
        "last_seen": {"en": "Last seen", "fr": "Vue pour la dernière fois", "es": "Vista por última vez"},
        "release": {"en": "Release", "fr": "Libération", "es": "Liberación"},
        "escape": {"en": "Escape", "fr": "Évasion", "es": "Fuga"},
    },
}

MISSING: dict[str, str] = {
    "a": "the full name of the disappeared person (element a)",
    "b": "the date of the disappearance, at least month and year (element b)",
    "c": "the place of arrest or abduction, or where the person was last seen (element c)",
    "d": "the forces believed responsible (element d)",
    "e": "the steps taken by relatives or others to find the person (element e)",
    "f": "the submitting organisation (element f)",
}


def word(key: str, lang: str, **values: object) -> str:
    return WORDS[key][lang].format(**values)


def value(vocab: str, code: str | None, lang: str) -> str:
    """A vocabulary value in ``lang``; an unknown code gives the words for "not recorded" rather than the code."""
    table = VALUES[vocab]
    entry = table.get(code or "") or table.get("")
    return entry[lang] if entry else WORDS["none_recorded"][lang]
