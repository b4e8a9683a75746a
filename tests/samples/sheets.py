"""The demo practice sheets (fictional initiatives in real places) and the labels of each language.

A sheet is plain data. `meta` holds the metadata values as the sheet writes them; `sections`
maps a section key (context, objectives, activities, budget, evaluation, or an extra section's
heading) to its items: a paragraph string, ("bullet", text) or ("table", [[cell, ...], ...]).
`expected` is the record a perfect importer produces from the rendered file. All contact
persons and addresses are invented; e-mails use example domains.
"""

from __future__ import annotations

import copy
from typing import Any

LANGUAGES = ("en", "fr", "es", "it", "de", "pt", "nl")
STANDARD_SECTIONS = ("context", "objectives", "activities", "budget", "evaluation")
# Metadata lines in the order sheets print them; "budget" is an optional meta line.
META_FIELDS = ("city", "country", "organisation", "themes", "period", "budget",
               "partners", "target_groups", "contact")

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Title", "city": "City", "country": "Country", "organisation": "Lead organisation",
        "themes": "Themes", "period": "Period", "budget_label": "Total budget",
        "partners": "Partners", "target_groups": "Target groups", "contact": "Contact",
        "context": "Context", "objectives": "Objectives", "activities": "Activities",
        "budget": "Budget", "evaluation": "Evaluation",
    },
    "fr": {
        "title": "Titre", "city": "Ville", "country": "Pays", "organisation": "Porteur",
        "themes": "Thématiques", "period": "Période", "budget_label": "Budget global",
        "partners": "Partenaires", "target_groups": "Publics cibles", "contact": "Contact",
        "context": "Contexte", "objectives": "Objectifs", "activities": "Actions",
        "budget": "Budget", "evaluation": "Évaluation",
    },
    "es": {
        "title": "Título", "city": "Ciudad", "country": "País", "organisation": "Entidad responsable",
        "themes": "Temática", "period": "Periodo", "budget_label": "Presupuesto total",
        "partners": "Socios", "target_groups": "Destinatarios", "contact": "Contacto",
        "context": "Contexto", "objectives": "Objetivos", "activities": "Actividades",
        "budget": "Presupuesto", "evaluation": "Evaluación",
    },
    "it": {
        "title": "Titolo", "city": "Città", "country": "Paese", "organisation": "Ente promotore",
        "themes": "Tema", "period": "Periodo", "budget_label": "Costo complessivo",
        "partners": "Partner", "target_groups": "Destinatari", "contact": "Referente",
        "context": "Contesto", "objectives": "Obiettivi", "activities": "Attività",
        "budget": "Budget", "evaluation": "Valutazione",
    },
    "de": {
        "title": "Titel", "city": "Stadt", "country": "Land", "organisation": "Träger",
        "themes": "Themenfeld", "period": "Laufzeit", "budget_label": "Gesamtkosten",
        "partners": "Partner", "target_groups": "Zielgruppen", "contact": "Kontakt",
        "context": "Ausgangslage", "objectives": "Ziele", "activities": "Maßnahmen",
        "budget": "Kosten", "evaluation": "Evaluation",
    },
    "pt": {
        "title": "Título", "city": "Cidade", "country": "País", "organisation": "Entidade promotora",
        "themes": "Temas", "period": "Período", "budget_label": "Orçamento total",
        "partners": "Parceiros", "target_groups": "Público-alvo", "contact": "Contacto",
        "context": "Contexto", "objectives": "Objetivos", "activities": "Atividades",
        "budget": "Orçamento", "evaluation": "Avaliação",
    },
    "nl": {
        "title": "Titel", "city": "Stad", "country": "Land", "organisation": "Organisatie",
        "themes": "Thema's", "period": "Periode", "budget_label": "Totale begroting",
        "partners": "Partners", "target_groups": "Doelgroepen", "contact": "Contact",
        "context": "Context", "objectives": "Doelstellingen", "activities": "Activiteiten",
        "budget": "Begroting", "evaluation": "Evaluatie",
    },
}


def _b(text: str) -> tuple[str, str]:
    return ("bullet", text)


SHEETS: list[dict[str, Any]] = [
    {
        "id": "demo01", "slug": "night-safe-haven-bristol", "language": "en", "layout": "docx-styles",
        "title": "Night Safe Haven: a welfare hub for Bristol's night-time economy",
        "meta": {
            "city": "Bristol", "country": "United Kingdom",
            "organisation": "Bristol City Council – Community Safety Team",
            "themes": "Night-time economy; partnership working with licensed venues",
            "period": "2016 – 2019",
            "partners": ["Avon and Somerset Constabulary", "South Western Ambulance Service",
                         "Bristol Nightlife Association", "St John Ambulance volunteers"],
            "target_groups": ["Vulnerable people on nights out", "Door staff and bar workers"],
            "contact": "Helen Marsh – helen.marsh@bristol-safety.example.org.uk",
        },
        "sections": {
            "context": [
                "Bristol's city centre draws up to 40,000 people on a Friday or Saturday night, many of "
                "them students and visitors from across the South West. Between midnight and 4 a.m. the "
                "ambulance service was regularly called to people who were heavily intoxicated, injured "
                "in falls or fights, or simply separated from their friends with a flat phone and no way home.",
                "These calls tied up ambulance crews for hours and filled the emergency department with "
                "patients who mostly needed a safe place to sober up. Police officers on the street also "
                "spent much of their shift looking after vulnerable people instead of dealing with "
                "violence and disorder.",
            ],
            "objectives": [
                _b("Give people who are vulnerable on a night out a safe, staffed place to recover."),
                _b("Reduce avoidable ambulance call-outs and emergency department attendances at weekends."),
                _b("Free police officers to patrol the busiest streets."),
                _b("Build a shared routine between venues, door staff and emergency services for handing "
                   "over vulnerable customers."),
            ],
            "activities": [
                "The hub opened in a converted bus parked near the city centre every Friday and Saturday "
                "night from 10 p.m. to 4 a.m. It was staffed by a paramedic, two trained volunteers and a "
                "council coordinator.",
                _b("Door staff and street marshals bring customers who cannot look after themselves to the "
                   "hub instead of calling an ambulance."),
                _b("The team offers first aid, water, phone charging and help to contact friends or family."),
                _b("People who need hospital care are assessed by the paramedic and transported only when "
                   "necessary."),
                _b("Venues taking part sign a vulnerability protocol and train their staff in spotting drink "
                   "spiking and predatory behaviour."),
                _b("A monthly meeting of the partners reviews incidents and adjusts opening hours for student "
                   "events and bank holidays."),
            ],
            "budget": [
                "The hub cost about £40k a year to run, shared between the council's community safety "
                "budget and a levy paid by members of the Bristol Nightlife Association. Ambulance and "
                "police time was provided in kind.",
            ],
            "evaluation": [
                "Over the three years the hub looked after more than 2,600 people. The ambulance service "
                "estimated that around 60 % of them would otherwise have been taken to hospital, saving "
                "several hundred ambulance hours each year. Door staff reported faster handovers and fewer "
                "disputes about who was responsible for a customer. The evaluation was carried out by the "
                "council's own analysts and did not include a comparison area, so the effect on violence "
                "in the night-time economy cannot be measured.",
            ],
            "Lessons learned": [
                "Volunteers are the backbone of the service and need regular training and a debriefing "
                "after difficult nights. A fixed, well-lit location that taxi drivers and door staff know "
                "by heart matters more than the comfort of the vehicle itself.",
            ],
        },
        "expected": {
            "title": "Night Safe Haven: a welfare hub for Bristol's night-time economy",
            "city": "Bristol", "country": "GB",
            "organisation": "Bristol City Council – Community Safety Team", "language": "en",
            "themes": ["nightlife", "partnerships"], "start_year": 2016, "end_year": 2019,
            "budget": {"amount": 40000, "currency": "GBP"},
            "partners": ["Avon and Somerset Constabulary", "South Western Ambulance Service",
                         "Bristol Nightlife Association", "St John Ambulance volunteers"],
            "target_groups": ["Vulnerable people on nights out", "Door staff and bar workers"],
            "contact": {"name": "Helen Marsh", "email": "helen.marsh@bristol-safety.example.org.uk"},
            "extra_sections": ["Lessons learned"],
        },
    },
    {
        "id": "demo02", "slug": "tranquillite-seniors-nantes", "language": "fr", "layout": "docx-caps",
        "title": "Tranquillité Seniors : prévenir les vols par ruse et l'isolement des aînés à Nantes",
        "meta": {
            "city": "Nantes", "country": "France",
            "organisation": "Ville de Nantes – Direction de la tranquillité publique",
            "themes": "Sécurité des seniors ; aide aux victimes",
            "period": "depuis 2015",
            "partners": ["Police nationale (DDSP de Loire-Atlantique)", "Police municipale de Nantes",
                         "Centre communal d'action sociale (CCAS)", "France Victimes 44"],
            "target_groups": ["Personnes âgées de plus de 70 ans vivant seules", "Aidants familiaux",
                              "Gardiens d'immeubles"],
            "contact": "Claire Morvan (claire.morvan@nantes-tranquillite.example.fr)",
        },
        "sections": {
            "context": [
                "Chaque année, plusieurs centaines de personnes âgées nantaises sont victimes de vols par "
                "ruse : faux agents des eaux ou de l'électricité, faux policiers, démarcheurs abusifs ou "
                "escroqueries par téléphone. Les auteurs repèrent les personnes qui vivent seules et "
                "profitent de leur confiance. Beaucoup de victimes n'osent pas porter plainte, par honte "
                "ou par crainte d'être jugées incapables de vivre chez elles.",
                "Les services sociaux constataient en outre que ces faits accentuaient l'isolement : après "
                "un vol, certaines personnes n'ouvraient plus leur porte à personne, y compris aux aides à "
                "domicile.",
            ],
            "objectives": [
                _b("Informer les seniors sur les techniques des escrocs et les bons réflexes à adopter."),
                _b("Encourager le dépôt de plainte et accompagner les victimes dans leurs démarches."),
                _b("Rompre l'isolement des personnes âgées les plus exposées."),
                _b("Coordonner l'action de la police, du CCAS et des associations d'aide aux victimes."),
            ],
            "activities": [
                "Le dispositif a été lancé en 2015 dans trois quartiers, puis étendu à toute la ville en "
                "2017. Deux référents seniors de la direction de la tranquillité publique en assurent la "
                "coordination.",
                _b("Réunions d'information dans les clubs de retraités, les résidences autonomie et les "
                   "maisons de quartier, animées avec un policier."),
                _b("Visites de sécurité à domicile sur demande : conseils pour les serrures, le judas et les "
                   "moyens de paiement."),
                _b("Appel téléphonique de suivi dans les quinze jours qui suivent un vol, puis orientation "
                   "vers France Victimes 44."),
                _b("Formation des gardiens d'immeubles et des aides à domicile au repérage des situations "
                   "à risque."),
                _b("Distribution d'un mémo « Je ne laisse pas entrer un inconnu » avec les numéros utiles."),
            ],
            "budget": [
                "250 000 € par an, dont 180 000 € pour les postes de référents seniors et 70 000 € pour les "
                "actions de sensibilisation. Financement : Ville de Nantes et Fonds interministériel de "
                "prévention de la délinquance (FIPD).",
            ],
            "evaluation": [
                "Entre 2015 et 2019, plus de 4 000 seniors ont assisté aux réunions d'information et 650 "
                "visites à domicile ont été réalisées. La police nationale a relevé une baisse d'environ "
                "un tiers des vols par ruse signalés dans les quartiers concernés, sans qu'il soit possible "
                "d'isoler l'effet du dispositif. Une enquête auprès des participants montre qu'ils se "
                "sentent mieux préparés à refuser l'entrée à un inconnu et qu'ils connaissent les numéros "
                "à appeler.",
            ],
        },
        "expected": {
            "title": "Tranquillité Seniors : prévenir les vols par ruse et l'isolement des aînés à Nantes",
            "city": "Nantes", "country": "FR",
            "organisation": "Ville de Nantes – Direction de la tranquillité publique", "language": "fr",
            "themes": ["seniors", "victims"], "start_year": 2015, "end_year": None,
            "budget": {"amount": 250000, "currency": "EUR"},
            "partners": ["Police nationale (DDSP de Loire-Atlantique)", "Police municipale de Nantes",
                         "Centre communal d'action sociale (CCAS)", "France Victimes 44"],
            "target_groups": ["Personnes âgées de plus de 70 ans vivant seules", "Aidants familiaux",
                              "Gardiens d'immeubles"],
            "contact": {"name": "Claire Morvan", "email": "claire.morvan@nantes-tranquillite.example.fr"},
            "extra_sections": [],
        },
    },
    {
        "id": "demo03", "slug": "prevention-radicalismes-charleroi", "language": "fr",
        "layout": "pdf-report",
        "labels": {"organisation": "Organisme porteur", "activities": "Activités"},
        "title": "Cellule de prévention des radicalismes et du vivre-ensemble à Charleroi",
        "meta": {
            "city": "Charleroi", "country": "Belgique",
            "organisation": "Ville de Charleroi – Plan stratégique de sécurité et de prévention",
            "themes": "Prévention de la radicalisation violente ; lutte contre les discriminations ; jeunesse",
            "period": "de 2017 à 2020",
            "partners": ["Zone de police de Charleroi", "Centres publics d'action sociale (CPAS)",
                         "Écoles secondaires de la ville", "Maisons de jeunes",
                         "Centre régional d'intégration de Charleroi"],
            "target_groups": ["Jeunes de 12 à 25 ans en voie de rupture", "Familles inquiètes",
                              "Professionnels de première ligne"],
            "contact": None,
        },
        "sections": {
            "context": [
                "Comme d'autres villes belges, Charleroi a vu partir plusieurs jeunes vers la Syrie entre "
                "2013 et 2015. Les familles se sont retrouvées seules face à des changements de "
                "comportement qu'elles ne comprenaient pas, et les professionnels de terrain ne savaient "
                "pas à qui s'adresser lorsqu'un jeune tenait des propos inquiétants.",
                "Dans le même temps, les discours de rejet visant les musulmans et les personnes d'origine "
                "étrangère se sont durcis, alimentant un sentiment d'injustice chez une partie de la "
                "jeunesse. La Ville a choisi de traiter ces deux dynamiques ensemble plutôt que de se "
                "limiter à une approche sécuritaire.",
            ],
            "objectives": [
                _b("Offrir aux familles et aux professionnels un point de contact confidentiel."),
                _b("Accompagner individuellement les jeunes en voie de radicalisation."),
                _b("Former les acteurs de première ligne à distinguer radicalité d'opinion et risque de "
                   "violence."),
                _b("Renforcer le dialogue entre jeunes, institutions et communautés religieuses."),
            ],
            "activities": [
                "La cellule réunit une coordinatrice, deux travailleurs sociaux et une psychologue. Elle "
                "travaille en lien étroit avec la zone de police, tout en gardant une stricte séparation "
                "entre accompagnement social et renseignement.",
                _b("Permanence téléphonique et rendez-vous pour les parents inquiets."),
                _b("Suivi individuel des jeunes signalés, avec un plan d'accompagnement construit avec la "
                   "famille."),
                _b("Modules de formation pour les enseignants, les éducateurs et les agents des CPAS."),
                _b("Ateliers d'expression dans les écoles sur les théories du complot, les discriminations "
                   "et l'usage des réseaux sociaux."),
                _b("Tables rondes annuelles avec les responsables religieux et associatifs."),
            ],
            "Résultats": [
                "En quatre ans, la cellule a accompagné 74 jeunes et reçu plus de 120 familles. Plus de 900 "
                "professionnels ont suivi au moins un module de formation, et six écoles ont intégré les "
                "ateliers d'expression dans leur programme annuel.",
            ],
            "budget": [
                "Non disponible : les postes sont financés par le Plan stratégique de sécurité et de "
                "prévention et la cellule ne dispose pas d'un budget propre.",
            ],
            "evaluation": [
                "Une évaluation qualitative menée en 2020 par une équipe universitaire s'est appuyée sur des "
                "entretiens avec les professionnels, les familles et quelques jeunes suivis. Elle souligne "
                "la confiance gagnée auprès des familles et l'utilité des formations, mais regrette "
                "l'absence d'indicateurs communs avec la police. Les auteurs recommandent de pérenniser les "
                "postes au-delà des financements annuels.",
            ],
        },
        "expected": {
            "title": "Cellule de prévention des radicalismes et du vivre-ensemble à Charleroi",
            "city": "Charleroi", "country": "BE",
            "organisation": "Ville de Charleroi – Plan stratégique de sécurité et de prévention",
            "language": "fr", "themes": ["polarisation", "discrimination", "youth"],
            "start_year": 2017, "end_year": 2020, "budget": None,
            "partners": ["Zone de police de Charleroi", "Centres publics d'action sociale (CPAS)",
                         "Écoles secondaires de la ville", "Maisons de jeunes",
                         "Centre régional d'intégration de Charleroi"],
            "target_groups": ["Jeunes de 12 à 25 ans en voie de rupture", "Familles inquiètes",
                              "Professionnels de première ligne"],
            "contact": None,
            "extra_sections": ["Résultats"],
        },
    },
    {
        "id": "demo04", "slug": "agente-tutor-zaragoza", "language": "es", "layout": "docx-bold-inline",
        "title": "Agente Tutor: la Policía Local de Zaragoza en los centros educativos",
        "meta": {
            "city": "Zaragoza", "country": "España",
            "organisation": "Ayuntamiento de Zaragoza – Policía Local",
            "themes": "Policía local de proximidad; infancia y juventud",
            "period": "desde 2012",
            "partners": ["Departamento de Educación del Gobierno de Aragón", "Fiscalía de Menores de Zaragoza",
                         "Servicios Sociales Comunitarios",
                         "Asociaciones de madres y padres del alumnado (AMPA)"],
            "target_groups": ["Alumnado de 10 a 17 años", "Familias", "Equipos directivos y docentes"],
            "contact": "Javier Lasheras, javier.lasheras@policia-zaragoza.example.es",
        },
        "sections": {
            "context": [
                "A comienzos de la década de 2010 los centros educativos de Zaragoza pedían cada vez más a "
                "menudo la intervención de la policía por peleas a la salida de clase, absentismo, acoso "
                "escolar o consumo de alcohol y cannabis en los alrededores. Cada llamada la atendía una "
                "patrulla distinta, que no conocía ni al alumnado ni al profesorado.",
                "Siguiendo el modelo desarrollado por otras policías locales españolas, el Ayuntamiento "
                "decidió crear una unidad especializada de agentes formados en menores, con un agente de "
                "referencia para cada centro.",
            ],
            "objectives": [
                _b("Prevenir el acoso escolar, el absentismo y las conductas violentas entre menores."),
                _b("Ofrecer a cada centro educativo un agente de referencia estable."),
                _b("Proteger a los menores en situación de riesgo en coordinación con los servicios sociales."),
                _b("Reducir el consumo de alcohol y drogas en el entorno de los centros."),
            ],
            "activities": [
                "La unidad cuenta con 24 agentes, que trabajan de uniforme pero sin funciones de atestados, "
                "y cubre todos los institutos públicos y concertados de la ciudad.",
                _b("Presencia en las entradas y salidas de los centros y en los parques cercanos."),
                _b("Mediación en conflictos entre alumnos antes de que lleguen a la vía penal."),
                _b("Charlas en las aulas sobre ciberacoso, redes sociales y consumo de sustancias."),
                _b("Seguimiento de los casos de absentismo junto con los servicios sociales y las familias."),
                _b("Derivación a la Fiscalía de Menores solo cuando la gravedad de los hechos lo exige."),
            ],
            "budget": [
                "1.200.000 euros anuales, que corresponden casi en su totalidad al coste del personal de la "
                "unidad. El material didáctico se financia con el presupuesto ordinario de la Policía Local.",
            ],
            "evaluation": [
                "Según la memoria de la Policía Local, los agentes tutores intervinieron en más de 900 casos "
                "durante el curso 2018-2019, de los cuales un tercio estaban relacionados con acoso o "
                "ciberacoso. Los directores de los centros valoran sobre todo la rapidez de respuesta y la "
                "confianza del alumnado en su agente de referencia. No se ha realizado una evaluación "
                "externa del impacto sobre la delincuencia juvenil.",
            ],
        },
        "expected": {
            "title": "Agente Tutor: la Policía Local de Zaragoza en los centros educativos",
            "city": "Zaragoza", "country": "ES",
            "organisation": "Ayuntamiento de Zaragoza – Policía Local", "language": "es",
            "themes": ["local-police", "youth"], "start_year": 2012, "end_year": None,
            "budget": {"amount": 1200000, "currency": "EUR"},
            "partners": ["Departamento de Educación del Gobierno de Aragón", "Fiscalía de Menores de Zaragoza",
                         "Servicios Sociales Comunitarios",
                         "Asociaciones de madres y padres del alumnado (AMPA)"],
            "target_groups": ["Alumnado de 10 a 17 años", "Familias", "Equipos directivos y docentes"],
            "contact": {"name": "Javier Lasheras", "email": "javier.lasheras@policia-zaragoza.example.es"},
            "extra_sections": [],
        },
    },
    {
        "id": "demo05", "slug": "puntos-violeta-bilbao", "language": "es", "layout": "pdf-table",
        "title": "Puntos Violeta: prevención de las agresiones sexistas en las fiestas de Bilbao",
        "meta": {
            "city": "Bilbao", "country": "España",
            "organisation": "Ayuntamiento de Bilbao – Área de Igualdad, Cooperación y Ciudadanía",
            "themes": "Violencia machista; ocio nocturno y fiestas; atención a las víctimas",
            "period": "2018 - en curso",
            "partners": ["Comparsas de Bilbao", "Policía Municipal de Bilbao", "Ertzaintza",
                         "Asociaciones de hostelería", "Emakunde – Instituto Vasco de la Mujer"],
            "target_groups": ["Mujeres y jóvenes que participan en las fiestas",
                              "Personal de bares y txosnas", "Testigos de agresiones"],
            "contact": "Amaia Etxeberria – amaia.etxeberria@bilbao-berdintasuna.example.es",
        },
        "sections": {
            "context": [
                "Durante la Aste Nagusia, la gran semana festiva de agosto, cientos de miles de personas "
                "llenan las calles de Bilbao, sobre todo por la noche. Los colectivos feministas y las "
                "comparsas denunciaban desde hacía años tocamientos, acoso y agresiones sexuales en las "
                "zonas de conciertos y txosnas, muy pocas veces denunciados.",
                "Las víctimas no sabían a quién acudir en plena fiesta, y el personal de los bares no tenía "
                "pautas para actuar cuando presenciaba una agresión.",
            ],
            "objectives": [
                _b("Sensibilizar al público para que las agresiones sexistas no se toleren ni se justifiquen."),
                _b("Ofrecer atención inmediata y acompañamiento a las víctimas."),
                _b("Implicar a hosteleros, comparsas y testigos en la respuesta."),
            ],
            "activities": [
                "Cada año se instalan puntos violeta fijos en el recinto festivo y equipos móviles que "
                "recorren las calles entre las 18:00 y las 4:00.",
                _b("Atención por profesionales de la psicología y la educación social, con derivación a los "
                   "servicios de urgencia y a la policía si la víctima lo desea."),
                _b("Formación previa del personal de bares y txosnas en un protocolo de actuación."),
                _b("Campaña de comunicación con el lema «Ez da ez» en carteles, pulseras y redes sociales."),
                _b("Registro anónimo de las atenciones para conocer mejor los lugares y horarios de riesgo."),
            ],
            "budget": [
                ("table", [["Concepto", "Importe"],
                           ["Personal de los puntos violeta", "52.000 €"],
                           ["Formación del personal de bares y txosnas", "14.500 €"],
                           ["Materiales y campaña de comunicación", "20.000 €"],
                           ["Total", "86.500 €"]]),
                "Financiado por el Ayuntamiento de Bilbao con una subvención de Emakunde.",
            ],
            "evaluation": [
                "En la edición de 2022 los puntos violeta atendieron 143 consultas, 38 de ellas por "
                "agresiones, frente a 61 consultas en 2018. El aumento se interpreta como una mayor "
                "confianza en el servicio y no como un aumento de las agresiones. Las encuestas a "
                "participantes muestran que más del 70 % conoce los puntos violeta y sabría dónde "
                "encontrarlos.",
            ],
            "Lecciones aprendidas": [
                "La implicación de las comparsas desde el diseño fue decisiva para que el servicio fuera "
                "aceptado en las txosnas. Los equipos móviles llegan a personas que nunca se acercarían a "
                "un punto fijo.",
            ],
        },
        "expected": {
            "title": "Puntos Violeta: prevención de las agresiones sexistas en las fiestas de Bilbao",
            "city": "Bilbao", "country": "ES",
            "organisation": "Ayuntamiento de Bilbao – Área de Igualdad, Cooperación y Ciudadanía",
            "language": "es", "themes": ["nightlife", "gender-violence", "victims"],
            "start_year": 2018, "end_year": None,
            "budget": {"amount": 86500, "currency": "EUR"},
            "partners": ["Comparsas de Bilbao", "Policía Municipal de Bilbao", "Ertzaintza",
                         "Asociaciones de hostelería", "Emakunde – Instituto Vasco de la Mujer"],
            "target_groups": ["Mujeres y jóvenes que participan en las fiestas",
                              "Personal de bares y txosnas", "Testigos de agresiones"],
            "contact": {"name": "Amaia Etxeberria",
                        "email": "amaia.etxeberria@bilbao-berdintasuna.example.es"},
            "extra_sections": ["Lecciones aprendidas"],
        },
    },
    {
        "id": "demo06", "slug": "mediazione-barriera-di-milano", "language": "it",
        "layout": "pdf-two-column",
        "title": "Mediazione dei conflitti di vicinato nelle case popolari di Barriera di Milano",
        "meta": {
            "city": "Torino", "country": "Italia",
            "organisation": "Città di Torino – Servizio Convivenza e Mediazione dei Conflitti",
            "themes": "Mediazione sociale e dei conflitti; vivibilità degli spazi pubblici e dei cortili",
            "period": "gennaio 2017 – dicembre 2019",
            "partners": ["Agenzia Territoriale per la Casa (ATC) del Piemonte Centrale",
                         "Compagnia di San Paolo", "Polizia Municipale – Nucleo di prossimità",
                         "Associazioni di inquilini"],
            "target_groups": ["Inquilini delle case popolari", "Amministratori e portinai sociali",
                              "Commercianti del quartiere"],
            "contact": "mediazione.barriera@comune-torino.example.it",
        },
        "sections": {
            "context": [
                "Barriera di Milano è un quartiere della periferia nord di Torino con una forte presenza di "
                "edilizia residenziale pubblica e un'alta percentuale di residenti di origine straniera. Nei "
                "grandi caseggiati popolari i conflitti tra vicini per rumori, uso dei cortili, rifiuti e "
                "parcheggi si trascinavano per anni e finivano spesso in esposti alla polizia municipale o "
                "in denunce.",
                "Gli interventi delle forze dell'ordine risolvevano raramente il problema di fondo, mentre "
                "la sfiducia reciproca tra vecchi e nuovi residenti alimentava un diffuso senso di "
                "insicurezza.",
            ],
            "objectives": [
                _b("Gestire i conflitti di vicinato prima che diventino denunce o episodi violenti."),
                _b("Rendere i cortili e gli spazi comuni luoghi curati e condivisi."),
                _b("Rafforzare la fiducia tra inquilini, ente gestore e istituzioni."),
                _b("Formare residenti in grado di fare da primo punto di riferimento nei caseggiati."),
            ],
            "activities": [
                "Uno sportello di mediazione è stato aperto al piano terra di uno dei caseggiati di via "
                "Fossata, con due mediatori professionisti presenti quattro giorni alla settimana.",
                _b("Colloqui individuali e incontri di mediazione tra le parti in conflitto, su richiesta "
                   "degli inquilini o su segnalazione dell'ATC."),
                _b("Assemblee di scala per concordare regole comuni sull'uso degli spazi."),
                _b("Giornate di cura dei cortili organizzate con gli inquilini e le associazioni."),
                _b("Un corso di quaranta ore per «referenti di scala» volontari."),
            ],
            "budget": [
                "35.000 euro l'anno per tre anni, finanziati dalla Compagnia di San Paolo e dalla Città di "
                "Torino; i locali sono messi a disposizione gratuitamente dall'ATC.",
            ],
            "evaluation": [
                "Nei tre anni lo sportello ha seguito 212 casi di conflitto, di cui circa due terzi si sono "
                "chiusi con un accordo tra le parti. Gli esposti alla polizia municipale per liti "
                "condominiali nei caseggiati coinvolti sono diminuiti del 40 % rispetto al triennio "
                "precedente. Un gruppo di ricerca dell'Università di Torino ha intervistato inquilini e "
                "operatori, rilevando un miglioramento del clima nei cortili ma anche la difficoltà di "
                "coinvolgere i residenti più giovani.",
            ],
        },
        "expected": {
            "title": "Mediazione dei conflitti di vicinato nelle case popolari di Barriera di Milano",
            "city": "Torino", "country": "IT",
            "organisation": "Città di Torino – Servizio Convivenza e Mediazione dei Conflitti",
            "language": "it", "themes": ["public-spaces", "mediation"],
            "start_year": 2017, "end_year": 2019,
            "budget": {"amount": 35000, "currency": "EUR"},
            "partners": ["Agenzia Territoriale per la Casa (ATC) del Piemonte Centrale",
                         "Compagnia di San Paolo", "Polizia Municipale – Nucleo di prossimità",
                         "Associazioni di inquilini"],
            "target_groups": ["Inquilini delle case popolari", "Amministratori e portinai sociali",
                              "Commercianti del quartiere"],
            "contact": {"name": None, "email": "mediazione.barriera@comune-torino.example.it"},
            "extra_sections": [],
        },
    },
    {
        "id": "demo07", "slug": "uebergangsmanagement-bremen", "language": "de", "layout": "docx-table",
        "title": "Übergangsmanagement Bremen: junge Haftentlassene zurück in Ausbildung und Wohnung begleiten",
        "meta": {
            "city": "Bremen", "country": "Deutschland",
            "organisation": "Verein für Straffälligenhilfe Bremen e. V.",
            "themes": "Resozialisierung und Wiedereingliederung; behördenübergreifende Zusammenarbeit von "
                      "Justiz, Jobcenter und Sozialdiensten",
            "period": "seit 2014",
            "partners": ["Justizvollzugsanstalt Bremen", "Jobcenter Bremen", "Amt für Soziale Dienste",
                         "Bewährungshilfe Bremen", "Wohnungsbaugesellschaften"],
            "target_groups": ["Junge Männer und Frauen zwischen 18 und 27 Jahren in Haft", "Angehörige"],
            "contact": "Sabine Kröger, sabine.kroeger@straffaelligenhilfe-bremen.example.de",
        },
        "sections": {
            "context": [
                "Rund die Hälfte der jungen Erwachsenen, die aus dem Bremer Vollzug entlassen werden, wird "
                "innerhalb von drei Jahren erneut straffällig. Besonders kritisch sind die ersten Wochen "
                "nach der Entlassung: Viele haben keine Wohnung, kein Konto und keinen Termin beim "
                "Jobcenter, und die Kontakte zur alten Clique sind schnell wieder da.",
                "Vor 2014 endete die Betreuung durch den Sozialdienst der Anstalt am Tag der Entlassung, "
                "während die Bewährungshilfe erst Wochen später einsetzte. Die beteiligten Stellen "
                "arbeiteten nebeneinander her, Informationen gingen verloren, und Anträge auf "
                "Grundsicherung oder eine Wohnung wurden oft erst nach der Entlassung gestellt. In dieser "
                "Lücke kehrten viele junge Menschen in ihr altes Umfeld zurück.",
            ],
            "objectives": [
                _b("Die Rückfallquote junger Haftentlassener senken."),
                _b("Alle Teilnehmenden am Entlassungstag mit Wohnung, Krankenversicherung und Einkommen "
                   "versorgen."),
                _b("Übergänge in Ausbildung und Arbeit ermöglichen."),
                _b("Die Zusammenarbeit von Vollzug, Jobcenter, Jugendhilfe und Bewährungshilfe verbindlich "
                   "regeln."),
            ],
            "activities": [
                "Sechs Monate vor dem voraussichtlichen Entlassungstermin übernimmt eine feste "
                "Fallmanagerin oder ein fester Fallmanager die Begleitung und bleibt bis zu einem Jahr nach "
                "der Entlassung zuständig.",
                _b("Gemeinsame Hilfeplankonferenz mit dem jungen Menschen, dem Sozialdienst der Anstalt, dem "
                   "Jobcenter und der Bewährungshilfe."),
                _b("Vermittlung in Wohngemeinschaften und Trägerwohnungen in Zusammenarbeit mit "
                   "Wohnungsbaugesellschaften."),
                _b("Begleitung zu Behördenterminen in den ersten Tagen nach der Entlassung."),
                _b("Bewerbungstraining und Vermittlung in Ausbildungsplätze bei Partnerbetrieben."),
                _b("Angebote für Angehörige, etwa Familiengespräche vor der Entlassung."),
                _b("Schuldnerberatung und Hilfe bei der Eröffnung eines Girokontos noch während der Haft."),
            ],
            "budget": [
                "Rund 480.000 Euro pro Jahr, davon 60 % aus Landesmitteln der Senatorin für Justiz und "
                "Verfassung und 40 % aus dem Europäischen Sozialfonds.",
            ],
            "evaluation": [
                "Eine Begleitstudie der Hochschule Bremen verglich 2018 die Teilnehmenden mit einer Gruppe "
                "junger Haftentlassener aus den Jahren vor dem Projekt. Nach zwei Jahren waren 38 % der "
                "Teilnehmenden erneut verurteilt worden, in der Vergleichsgruppe 52 %. Die Autorinnen "
                "weisen darauf hin, dass die Teilnahme freiwillig ist und sich die Gruppen daher "
                "unterscheiden können. Deutlich messbar war dagegen der Erfolg bei der Versorgung: Neun "
                "von zehn Teilnehmenden hatten am Tag der Entlassung eine Unterkunft und einen gestellten "
                "Leistungsantrag.",
            ],
            "Erkenntnisse für andere Städte": [
                "Entscheidend ist ein schriftlicher Kooperationsvertrag, der Zuständigkeiten und "
                "Datenaustausch regelt. Ohne verlässlichen Zugang zu Wohnraum scheitern auch gute "
                "Hilfepläne.",
            ],
        },
        "expected": {
            "title": "Übergangsmanagement Bremen: junge Haftentlassene zurück in Ausbildung und Wohnung "
                     "begleiten",
            "city": "Bremen", "country": "DE",
            "organisation": "Verein für Straffälligenhilfe Bremen e. V.", "language": "de",
            "themes": ["partnerships", "reintegration"], "start_year": 2014, "end_year": None,
            "budget": {"amount": 480000, "currency": "EUR"},
            "partners": ["Justizvollzugsanstalt Bremen", "Jobcenter Bremen", "Amt für Soziale Dienste",
                         "Bewährungshilfe Bremen", "Wohnungsbaugesellschaften"],
            "target_groups": ["Junge Männer und Frauen zwischen 18 und 27 Jahren in Haft", "Angehörige"],
            "contact": {"name": "Sabine Kröger",
                        "email": "sabine.kroeger@straffaelligenhilfe-bremen.example.de"},
            "extra_sections": ["Erkenntnisse für andere Städte"],
        },
    },
    {
        "id": "demo08", "slug": "nachtsport-graz", "language": "de", "layout": "pdf-flow",
        "labels": {"context": "Kontext", "budget": "Finanzierung", "budget_label": "Jahresbudget"},
        "title": "Nachtsport Graz: offene Turnhallen am Samstagabend für Jugendliche",
        "meta": {
            "city": "Graz", "country": "Österreich",
            "organisation": "Stadt Graz – Amt für Jugend und Familie",
            "themes": "Sport und Bewegung; Jugendarbeit; Integration und Diskriminierungsschutz",
            "period": "2019 – 2022",
            "budget": "95.000 € pro Jahr",
            "partners": ["Sportamt der Stadt Graz", "Grazer Sportvereine", "Streetwork Graz",
                         "Antidiskriminierungsstelle Steiermark"],
            "target_groups": ["Jugendliche von 14 bis 21 Jahren", "Junge Geflüchtete",
                              "Mädchen und junge Frauen"],
            "contact": "Emre Yilmaz (emre.yilmaz@nachtsport-graz.example.at)",
        },
        "sections": {
            "context": [
                "In mehreren Grazer Bezirken, vor allem in Gries und Lend, hielten sich an Wochenendabenden "
                "größere Gruppen Jugendlicher in Parks und an Haltestellen auf. Anrainerinnen und Anrainer "
                "beschwerten sich über Lärm, Alkohol und gelegentliche Raufereien, und die Polizei wurde "
                "häufig gerufen.",
                "Viele dieser Jugendlichen hatten keinen Zugang zu Vereinsangeboten, sei es wegen der "
                "Kosten, fehlender Kontakte oder weil sie sich in den Vereinen nicht willkommen fühlten. "
                "Junge Geflüchtete berichteten zudem von Ausgrenzung und rassistischen Sprüchen. Die "
                "Jugendarbeit der Stadt war an Samstagabenden, wenn die meisten Konflikte auftraten, "
                "kaum erreichbar, weil die Jugendzentren am frühen Abend schlossen.",
            ],
            "objectives": [
                _b("Jugendlichen am Samstagabend eine attraktive, kostenlose Alternative zum Aufenthalt im "
                   "öffentlichen Raum bieten."),
                _b("Fairness, Respekt und gewaltfreie Konfliktlösung durch Sport vermitteln."),
                _b("Diskriminierung abbauen und Begegnungen zwischen Jugendlichen unterschiedlicher Herkunft "
                   "fördern."),
                _b("Jugendliche an Vereine und Beratungsangebote heranführen."),
            ],
            "activities": [
                "Von Oktober bis April öffnen jeden Samstag von 20 bis 24 Uhr drei Schulturnhallen in Gries, "
                "Lend und Jakomini.",
                _b("Offenes Fußball-, Basketball- und Boxtraining mit lizenzierten Trainerinnen und Trainern."),
                _b("Mindestens eine Fachkraft der Streetwork ist jeden Abend anwesend und für Gespräche "
                   "ansprechbar."),
                _b("Eigene Hallenzeiten nur für Mädchen und junge Frauen."),
                _b("Fair-Play-Regeln, die zu Beginn jeder Saison gemeinsam mit den Jugendlichen festgelegt "
                   "werden."),
                _b("Workshops zu Rassismus und Zivilcourage mit der Antidiskriminierungsstelle."),
                _b("Ein kleines Turnier zum Saisonende, bei dem gemischte Teams aus allen drei Hallen "
                   "gegeneinander spielen."),
            ],
            "budget": [
                "Die Stadt Graz stellt 95.000 € pro Jahr für Trainerhonorare, Hallenaufsicht und Material "
                "bereit. Die Sportvereine bringen zusätzlich ehrenamtliche Stunden ein.",
            ],
            "evaluation": [
                "Die Fachhochschule Joanneum begleitete das Projekt mit Zählungen, Fragebögen und "
                "Gruppeninterviews. Im Durchschnitt kamen pro Abend 140 Jugendliche, davon etwa ein Viertel "
                "Mädchen. Die Polizei registrierte an Samstagabenden in den betroffenen Parks weniger "
                "Einsätze wegen Ruhestörung als in den Vorjahren. Rund 60 Jugendliche traten im Lauf des "
                "Projekts einem Verein bei, einige von ihnen arbeiten inzwischen selbst als "
                "Hilfstrainer. Kritisch merkt die Studie an, dass die Angebote für Mädchen erst im "
                "zweiten Jahr gut besucht waren und dass ältere Jugendliche über 18 kaum erreicht wurden.",
            ],
        },
        "expected": {
            "title": "Nachtsport Graz: offene Turnhallen am Samstagabend für Jugendliche",
            "city": "Graz", "country": "AT",
            "organisation": "Stadt Graz – Amt für Jugend und Familie", "language": "de",
            "themes": ["discrimination", "sport", "youth"], "start_year": 2019, "end_year": 2022,
            "budget": {"amount": 95000, "currency": "EUR"},
            "partners": ["Sportamt der Stadt Graz", "Grazer Sportvereine", "Streetwork Graz",
                         "Antidiskriminierungsstelle Steiermark"],
            "target_groups": ["Jugendliche von 14 bis 21 Jahren", "Junge Geflüchtete",
                              "Mädchen und junge Frauen"],
            "contact": {"name": "Emre Yilmaz", "email": "emre.yilmaz@nachtsport-graz.example.at"},
            "extra_sections": [],
        },
    },
    {
        "id": "demo09", "slug": "crossroads-limerick", "language": "en", "layout": "pdf-report",
        "labels": {"organisation": "Lead agency"},
        "title": "Crossroads: diverting young people from drug-dealing networks in Limerick",
        "meta": {
            "city": "Limerick", "country": "Ireland",
            "organisation": "Limerick City and County Council – Community Safety Partnership",
            "themes": "Organised crime and drug markets; youth diversion",
            "period": "since 2012",
            "partners": ["An Garda Síochána – Limerick Division", "Tusla Child and Family Agency",
                         "Limerick Youth Service", "HSE Drug and Alcohol Services"],
            "target_groups": ["Boys and young men aged 12 to 21 at risk of recruitment",
                              "Parents and carers"],
            "contact": "Declan O'Brien (declan.obrien@limerick-csp.example.ie)",
        },
        "sections": {
            "context": [
                "In the 2000s several Limerick estates were marked by feuds between criminal families who "
                "controlled the local drug trade. Children as young as twelve were used to carry drugs and "
                "cash, to act as lookouts or to intimidate witnesses, and many of them built up debts that "
                "tied them to the networks for years.",
                "Regeneration brought new housing and services, but youth workers and gardaí saw that the "
                "recruitment of young people continued. Enforcement removed some leaders, yet others "
                "stepped in and the younger boys remained exposed.",
            ],
            "objectives": [
                _b("Identify children who are being drawn into drug dealing as early as possible."),
                _b("Offer each young person a trusted adult and a realistic route into education, training "
                   "or work."),
                _b("Reduce the intimidation of families linked to drug debts."),
                _b("Share information safely between the Gardaí, Tusla and youth services."),
            ],
            "activities": [
                "Crossroads combines intensive youth work with a multi-agency case panel that meets every "
                "fortnight.",
                _b("Referrals come from gardaí, schools, social workers and parents; self-referral is also "
                   "possible."),
                _b("Each young person is matched with a key worker who sees him at least twice a week, "
                   "including evenings and weekends."),
                _b("Family support workers help parents who face threats or demands for money from dealers."),
                _b("Sport, boxing and music programmes keep participants busy at the times when recruitment "
                   "usually happens."),
                _b("Participants can join an apprenticeship preparation course run with local employers."),
            ],
            "budget": [
                "EUR 1.2 million for the 2019–2022 funding round, from the Department of Justice youth "
                "diversion fund and the City and County Council.",
            ],
            "evaluation": [
                "An evaluation by the University of Limerick, published in 2022, followed 86 participants "
                "over two years. Most had reduced or stopped their involvement in drug dealing, and school "
                "attendance improved for two thirds of those still in education. Key workers and parents "
                "described the long-term relationship with one adult as the most important element. The "
                "study had no control group, and the authors call for a longer follow-up to measure "
                "reoffending.",
            ],
        },
        "expected": {
            "title": "Crossroads: diverting young people from drug-dealing networks in Limerick",
            "city": "Limerick", "country": "IE",
            "organisation": "Limerick City and County Council – Community Safety Partnership",
            "language": "en", "themes": ["organised-crime", "youth", "drugs"],
            "start_year": 2012, "end_year": None,
            "budget": {"amount": 1200000, "currency": "EUR"},
            "partners": ["An Garda Síochána – Limerick Division", "Tusla Child and Family Agency",
                         "Limerick Youth Service", "HSE Drug and Alcohol Services"],
            "target_groups": ["Boys and young men aged 12 to 21 at risk of recruitment",
                              "Parents and carers"],
            "contact": {"name": "Declan O'Brien", "email": "declan.obrien@limerick-csp.example.ie"},
            "extra_sections": [],
        },
    },
    {
        "id": "demo10", "slug": "burglary-forecasting-geneva", "language": "en", "layout": "docx-numbered",
        "labels": {"period": "Duration"},
        "title": "Burglary forecasting to guide neighbourhood patrols in Geneva",
        "meta": {
            "city": "Geneva", "country": "Switzerland",
            "organisation": "City of Geneva – Municipal Police",
            "themes": "Innovation and data-driven prevention; local police",
            "period": "3 years from March 2018",
            "partners": ["Geneva Cantonal Police", "University of Lausanne – School of Criminal Justice",
                         "Neighbourhood associations of the Eaux-Vives and Servette districts"],
            "target_groups": ["Residents of detached houses and ground-floor flats",
                              "Municipal police officers"],
            "contact": "forecasting.pilot@police-geneve.example.ch",
        },
        "sections": {
            "context": [
                "Residential burglary in Geneva peaks in the dark months between October and February, when "
                "many homes are empty in the early evening. Burglaries also tend to cluster: after one "
                "break-in, the risk for nearby homes rises for a few weeks, because offenders return to an "
                "area they know.",
                "Municipal police patrols were planned on the basis of officers' experience and the previous "
                "month's statistics, which meant that they often arrived in an area after a series of "
                "burglaries had already ended. Residents of the affected streets complained that they "
                "only saw officers once the damage was done.",
            ],
            "objectives": [
                _b("Forecast, week by week, the streets where the risk of burglary is highest."),
                _b("Direct visible foot patrols and crime prevention visits to those streets."),
                _b("Test whether short-term forecasts can reduce burglary at an acceptable cost."),
            ],
            "activities": [
                "The pilot combined a simple near-repeat forecasting model with changes to the way patrols "
                "were planned.",
                _b("Every Monday, analysts updated the model with the previous week's burglaries reported to "
                   "the cantonal police."),
                _b("Maps of the highest-risk streets were discussed at the weekly patrol briefing."),
                _b("Officers left leaflets and talked to residents in the selected streets, advising them to "
                   "use timers for lights and to report suspicious behaviour."),
                _b("Forecasts, patrol logs and burglaries were compared every quarter with the university "
                   "team."),
                _b("Neighbourhood associations received a monthly summary and passed prevention advice on "
                   "to their members."),
            ],
            "budget": [
                "CHF 80'000 for software licences, data preparation and the external evaluation. Officer "
                "time is not included.",
            ],
            "evaluation": [
                "The University of Lausanne compared the pilot districts with two similar districts that kept "
                "their usual patrol planning. Burglaries fell in both areas over the three years, and the "
                "additional fall in the pilot districts, about 10 %, was not statistically significant. "
                "Officers found the maps useful for organising prevention visits, but some questioned the "
                "time spent on data preparation. The city decided to keep the prevention visits and to drop "
                "the commercial software.",
            ],
        },
        "expected": {
            "title": "Burglary forecasting to guide neighbourhood patrols in Geneva",
            "city": "Geneva", "country": "CH",
            "organisation": "City of Geneva – Municipal Police", "language": "en",
            "themes": ["innovation", "local-police"], "start_year": 2018, "end_year": 2021,
            "budget": {"amount": 80000, "currency": "CHF"},
            "partners": ["Geneva Cantonal Police", "University of Lausanne – School of Criminal Justice",
                         "Neighbourhood associations of the Eaux-Vives and Servette districts"],
            "target_groups": ["Residents of detached houses and ground-floor flats",
                              "Municipal police officers"],
            "contact": {"name": None, "email": "forecasting.pilot@police-geneve.example.ch"},
            "extra_sections": [],
        },
    },
    {
        "id": "demo11", "slug": "mediadores-municipais-porto", "language": "pt", "layout": "docx-styles",
        "title": "Mediadores municipais nos bairros sociais do Porto",
        "meta": {
            "city": "Porto", "country": "Portugal",
            "organisation": "Câmara Municipal do Porto – Domus Social",
            "themes": "Mediação de conflitos; combate à discriminação; espaço público",
            "period": "2019 – em curso",
            "partners": ["Polícia de Segurança Pública (PSP) – Comando Metropolitano do Porto",
                         "Associações de moradores", "Alto Comissariado para as Migrações",
                         "Agrupamentos de escolas"],
            "target_groups": ["Moradores dos bairros municipais", "Comunidades ciganas",
                              "Jovens dos 12 aos 25 anos"],
            "contact": "Rita Fonseca – rita.fonseca@porto-mediacao.example.pt",
        },
        "sections": {
            "context": [
                "A cidade do Porto gere cerca de 50 bairros de habitação municipal, onde vivem mais de 30 000 "
                "pessoas. Em alguns deles, conflitos entre vizinhos, ocupação de espaços comuns e tensões "
                "entre moradores de diferentes origens geravam queixas frequentes e um sentimento de "
                "abandono.",
                "As comunidades ciganas, em particular, relatavam situações de discriminação no acesso a "
                "serviços e pouca confiança nas instituições, enquanto outros moradores as responsabilizavam "
                "por problemas de convivência.",
            ],
            "objectives": [
                _b("Prevenir e resolver conflitos de vizinhança através do diálogo."),
                _b("Combater a discriminação e melhorar o acesso dos moradores aos serviços públicos."),
                _b("Recuperar os espaços comuns dos bairros como lugares de convivência."),
                _b("Aproximar os moradores da polícia de proximidade e das escolas."),
            ],
            "activities": [
                "Uma equipa de oito mediadores municipais, metade dos quais oriundos das próprias "
                "comunidades, trabalha diariamente nos bairros com maior número de ocorrências.",
                _b("Atendimento aos moradores em gabinetes de proximidade instalados nos bairros."),
                _b("Sessões de mediação entre vizinhos em conflito, com acordos escritos quando necessário."),
                _b("Acompanhamento de famílias aos serviços de saúde, à segurança social e às escolas."),
                _b("Ações de dinamização dos espaços exteriores com jovens e associações locais."),
                _b("Reuniões mensais com a PSP para partilhar as preocupações dos moradores."),
            ],
            "budget": [
                "1,5 milhões de euros para o período 2019-2022, cofinanciados pelo Fundo Social Europeu "
                "(Portugal 2020) e pela Câmara Municipal do Porto.",
            ],
            "evaluation": [
                "O relatório de avaliação intercalar de 2021 registou mais de 1 800 atendimentos e 240 "
                "processos de mediação, dos quais 70 % terminaram com acordo. As queixas por conflitos de "
                "vizinhança apresentadas à Domus Social diminuíram cerca de um quarto nos bairros abrangidos. "
                "Os moradores destacam a presença regular dos mediadores e a sua capacidade de falar com "
                "todas as partes. A avaliação recomenda reforçar a formação dos mediadores em prevenção da "
                "violência doméstica e garantir a continuidade da equipa depois do fim do cofinanciamento "
                "europeu.",
            ],
        },
        "expected": {
            "title": "Mediadores municipais nos bairros sociais do Porto",
            "city": "Porto", "country": "PT",
            "organisation": "Câmara Municipal do Porto – Domus Social", "language": "pt",
            "themes": ["discrimination", "public-spaces", "mediation"],
            "start_year": 2019, "end_year": None,
            "budget": {"amount": 1500000, "currency": "EUR"},
            "partners": ["Polícia de Segurança Pública (PSP) – Comando Metropolitano do Porto",
                         "Associações de moradores", "Alto Comissariado para as Migrações",
                         "Agrupamentos de escolas"],
            "target_groups": ["Moradores dos bairros municipais", "Comunidades ciganas",
                              "Jovens dos 12 aos 25 anos"],
            "contact": {"name": "Rita Fonseca", "email": "rita.fonseca@porto-mediacao.example.pt"},
            "extra_sections": [],
        },
    },
    {
        "id": "demo12", "slug": "weerbare-bedrijventerreinen-tilburg", "language": "nl",
        "layout": "pdf-two-column",
        "labels": {"context": "Aanleiding"},
        "title": "Weerbare bedrijventerreinen: samen tegen ondermijning in Tilburg",
        "meta": {
            "city": "Tilburg", "country": "Nederland",
            "organisation": "Gemeente Tilburg – Programma Veiligheid",
            "themes": "Ondermijning en georganiseerde criminaliteit; drugs; publiek-private samenwerking",
            "period": "2017 – 2020",
            "partners": ["Politie Zeeland-West-Brabant", "RIEC Zeeland-West-Brabant", "Openbaar Ministerie",
                         "Ondernemersvereniging Tilburg", "Brandweer Midden- en West-Brabant"],
            "target_groups": ["Ondernemers en pandeigenaren op bedrijventerreinen",
                              "Makelaars en verhuurders"],
            "contact": "Mark van den Berg, mark.vandenberg@tilburg-veilig.example.nl",
        },
        "sections": {
            "context": [
                "Op verschillende Tilburgse bedrijventerreinen werden tussen 2014 en 2016 hennepkwekerijen, "
                "opslagplaatsen voor chemicaliën en zelfs een drugslab ontdekt. Criminelen huurden loodsen "
                "via tussenpersonen, betaalden contant en bleven onzichtbaar voor de buren.",
                "Ondernemers merkten vaak dat er iets niet klopte, maar wisten niet waar ze hun vermoedens "
                "konden melden en vreesden represailles. Verhuurders controleerden nauwelijks wie hun panden "
                "huurde en waarvoor. Politie en gemeente hadden elk een deel van de informatie, maar "
                "brachten die zelden samen, zodat signalen over een verdacht pand pas laat tot actie "
                "leidden.",
            ],
            "objectives": [
                _b("Criminele activiteiten op bedrijventerreinen eerder signaleren."),
                _b("Ondernemers, verhuurders en makelaars bewust maken van signalen van ondermijning."),
                _b("Gezamenlijke controles van gemeente, politie, brandweer en belastingdienst organiseren."),
                _b("Het vertrouwen van ondernemers in de overheid vergroten."),
            ],
            "activities": [
                "Het project startte op drie bedrijventerreinen en werd in 2019 uitgebreid naar alle "
                "terreinen met een parkmanagementorganisatie. Een projectleider van de gemeente en een "
                "analist van het RIEC vormen samen het vaste kernteam.",
                _b("Voorlichtingsavonden voor ondernemers over signalen zoals afgeplakte ramen, een hoog "
                   "stroomverbruik en huurders die alleen 's nachts komen."),
                _b("Een laagdrempelig meldpunt, ook anoniem via Meld Misdaad Anoniem."),
                _b("Integrale controles van panden op basis van meldingen en analyses van het RIEC."),
                _b("Een keurmerk voor verhuurders die de identiteit en de activiteiten van hun huurders "
                   "controleren."),
                _b("Een vaste contactpersoon bij de gemeente die ondernemers terugkoppelt wat er met hun "
                   "melding is gebeurd."),
            ],
            "budget": [
                "€ 250.000 voor de hele projectperiode, betaald door de gemeente Tilburg en het RIEC "
                "Zeeland-West-Brabant.",
            ],
            "evaluation": [
                "Tussen 2017 en 2020 leidden meldingen van ondernemers tot 64 integrale controles, waarbij in "
                "23 panden strafbare feiten of overtredingen werden vastgesteld. Een evaluatie door een "
                "extern adviesbureau laat zien dat ondernemers beter weten waar ze kunnen melden, maar dat "
                "de angst voor represailles blijft. Het aantal meldingen verdubbelde ten opzichte van de "
                "periode voor het project. Volgens de onderzoekers werkt de aanpak vooral op terreinen met "
                "een actieve ondernemersvereniging; op terreinen zonder parkmanagement bleef het aantal "
                "meldingen laag.",
            ],
        },
        "expected": {
            "title": "Weerbare bedrijventerreinen: samen tegen ondermijning in Tilburg",
            "city": "Tilburg", "country": "NL",
            "organisation": "Gemeente Tilburg – Programma Veiligheid", "language": "nl",
            "themes": ["organised-crime", "partnerships", "drugs"],
            "start_year": 2017, "end_year": 2020,
            "budget": {"amount": 250000, "currency": "EUR"},
            "partners": ["Politie Zeeland-West-Brabant", "RIEC Zeeland-West-Brabant", "Openbaar Ministerie",
                         "Ondernemersvereniging Tilburg", "Brandweer Midden- en West-Brabant"],
            "target_groups": ["Ondernemers en pandeigenaren op bedrijventerreinen",
                              "Makelaars en verhuurders"],
            "contact": {"name": "Mark van den Berg", "email": "mark.vandenberg@tilburg-veilig.example.nl"},
            "extra_sections": [],
        },
    },
]


def sheet(sheet_id: str) -> dict[str, Any]:
    """A copy of the demo sheet with this id (callers may change it freely)."""
    for candidate in SHEETS:
        if candidate["id"] == sheet_id:
            return copy.deepcopy(candidate)
    known = ", ".join(s["id"] for s in SHEETS)
    raise KeyError(f"No demo sheet {sheet_id!r}; known ids: {known}.")


def labels_for(sheet: dict[str, Any], labels: dict[str, str] | None = None) -> dict[str, str]:
    """The labels a rendering of `sheet` prints: its language's, its own variants, then `labels`."""
    merged = dict(LABELS[sheet["language"]])
    merged.update(sheet.get("labels") or {})
    merged.update(labels or {})
    return merged


def meta_fields(sheet: dict[str, Any], labels: dict[str, str]) -> list[tuple[str, str, str | list[str]]]:
    """(field, label, value) for each metadata line the sheet prints, in print order."""
    rows = []
    for field in META_FIELDS:
        value = sheet["meta"].get(field)
        if value in (None, "", []):
            continue
        label = labels["budget_label" if field == "budget" else field]
        rows.append((field, label, value))
    return rows


def meta_lines(sheet: dict[str, Any], labels: dict[str, str]) -> list[tuple[str, str]]:
    """(label, value) metadata lines with list values written the usual way, joined by "; "."""
    return [(label, "; ".join(value) if isinstance(value, list) else value)
            for _, label, value in meta_fields(sheet, labels)]


def section_list(sheet: dict[str, Any], labels: dict[str, str]) -> list[tuple[str, str, list]]:
    """(key, heading, items) for each section in the sheet's order; extras are headed by their key."""
    return [(key, labels.get(key, key) if key in STANDARD_SECTIONS else key, items)
            for key, items in sheet["sections"].items()]


def item_texts(items: list) -> list[str]:
    """The plain texts of section items: a paragraph, a bullet's text, a table row's cells joined."""
    texts = []
    for item in items:
        if isinstance(item, str):
            texts.append(item)
        elif item[0] == "bullet":
            texts.append(item[1])
        else:
            texts.extend(" ".join(row) for row in item[1])
    return texts


def word_count(sheet: dict[str, Any]) -> int:
    """Words in the sheet's title, metadata and sections, as a reader would count them."""
    texts = [sheet["title"]]
    for _, value in meta_lines(sheet, labels_for(sheet)):
        texts.append(value)
    for items in sheet["sections"].values():
        texts.extend(item_texts(items))
    return sum(len(text.split()) for text in texts)
