"""Demo commons of the kind "service"."""

from fabrique.catalog.demo_data.links import links

SERVICE_COMMONS = [
    {
        "key": "api-maas",
        "title": "Mobility-as-a-service API",
        "summary": "Une API ouverte pour rechercher, réserver et payer les "
        "services de mobilité d’un territoire en un seul endroit.",
        "kind": "service",
        "themes": ["covoiturage-partage", "transport-public"],
        "tags": ["MaaS", "API", "réservation", "billettique"],
        "licence": "AGPL-3.0-or-later",
        "maturity": "production",
        "holder": "rhone",
        "links": links("api-maas", demo=True),
        "description": """L’**API MaaS** de la métropole expose, derrière une
interface commune, les services de mobilité du territoire : transport
public, vélo en libre-service, autopartage, covoiturage et parkings relais.

Une application tierce peut ainsi proposer un trajet complet, réserver chaque
étape et payer en une fois, sans signer un contrat avec chaque opérateur.

## Principes

- **neutralité** : tous les opérateurs sont présentés de la même façon ;
- **ouverture** : toute application respectant la charte peut s’y brancher ;
- **sobriété** : pas de collecte de données au-delà du nécessaire.

## Accès

La recherche est ouverte sans clé ; la réservation demande une clé délivrée
après signature de la charte des réutilisateurs.""",
        "resource": "Une API documentée (OpenAPI), un bac à sable et le code du "
        "service.",
        "community_pillar": "Opérateurs et applications réutilisatrices "
        "participent à un comité technique trimestriel.",
        "governance": "La métropole opère le service ; la charte des "
        "réutilisateurs est révisée chaque année avec eux.",
        "community": [
            ("holder", "itineo", "active"),
            ("contributor", "@romain", "active"),
            ("user", "roulons", "active"),
            ("user", "partage-rural", "active"),
            ("funder", "programme", "active"),
        ],
        "needs": [
            (
                "Intégrer le transport à la demande",
                "skills",
                "open",
                "Réserver une course de transport à la demande par l’API.",
            ),
            (
                "Applications tierces pilotes",
                "testers",
                "met",
                "Deux applications pour tester la réservation de bout en bout.",
            ),
        ],
    },
    {
        "key": "relais-gtfs-rt",
        "title": "Relais des flux temps réel GTFS-RT",
        "summary": "Un service qui collecte, valide et redistribue les flux temps "
        "réel des réseaux de transport, avec un historique.",
        "kind": "service",
        "themes": ["transport-public"],
        "tags": ["GTFS-RT", "temps réel", "archive", "service"],
        "licence": "MIT",
        "maturity": "beta",
        "holder": "opentransit",
        "links": links("relais-gtfs-rt", demo=True),
        "description": """Les flux **GTFS-RT** des réseaux tombent parfois, ou
ne supportent pas la charge des réutilisateurs. Le relais les collecte toutes
les 30 secondes, vérifie leur cohérence avec les horaires théoriques et les
redistribue depuis un cache robuste.

Il archive aussi les flux : on peut ainsi mesurer la ponctualité réelle d’une
ligne sur un mois.

## Ce que vérifie le relais

- l’horodatage et la fraîcheur du flux ;
- les identifiants de courses connus du GTFS ;
- les retards invraisemblables.""",
        "resource": "Un service hébergé, son code et une archive ouverte des flux.",
        "community_pillar": "Réseaux producteurs et réutilisateurs suivent l’état "
        "des flux sur une page publique.",
        "governance": "OpenTransit France opère le service bénévolement ; un "
        "financement pérenne est recherché.",
        "community": [
            ("contributor", "@hugo", "active"),
            ("user", "itineo", "active"),
            ("user", "loire", "active"),
            ("funder", "fondation", "requested"),
        ],
        "needs": [
            (
                "Hébergement pérenne",
                "funding",
                "open",
                "Environ 4 000 € par an pour l’hébergement et la supervision.",
            ),
        ],
    },
    {
        "key": "geocodeur-arrets",
        "title": "Géocodeur des adresses et arrêts",
        "summary": "Chercher une adresse, un arrêt ou un lieu, avec une API "
        "compatible avec les clients existants.",
        "kind": "service",
        "themes": ["transport-public", "accessibilite"],
        "tags": ["géocodage", "adresses", "arrêts", "API"],
        "licence": "AGPL-3.0-or-later",
        "maturity": "beta",
        "holder": "agence",
        "links": links("geocodeur", demo=True),
        "description": """Le **géocodeur** retrouve une adresse, un arrêt de
transport ou un lieu à partir de quelques lettres, même mal orthographiées,
et fait l’inverse : donner l’adresse d’une position.

Il indexe la base des adresses, les arrêts des horaires GTFS publiés et les
lieux de la Fabrique. Son API reprend celle des géocodeurs libres répandus,
pour que les applications existantes fonctionnent sans modification.

## Usages

- autocomplétion dans les calculateurs d’itinéraires ;
- géocodage de fichiers d’adresses (enquêtes, adhérents) ;
- rattachement des signalements à une adresse.""",
        "resource": "Une API publique, le code du moteur et les index publiés.",
        "community_pillar": "Les réutilisateurs signalent les adresses mal "
        "trouvées ; elles nourrissent les jeux d’essai.",
        "governance": "L’agence opère le service ; les évolutions de l’API sont "
        "rétrocompatibles et annoncées.",
        "community": [
            ("contributor", "idt", "active"),
            ("user", "itineo", "active"),
            ("user", "acces", "active"),
        ],
        "needs": [
            (
                "Noms de lieux-dits",
                "data",
                "open",
                "Les lieux-dits ruraux manquent dans l’index.",
            ),
        ],
    },
    {
        "key": "cargo-partage",
        "title": "Vélos-cargos partagés en libre-service",
        "summary": "Emprunter un vélo-cargo pour quelques heures, réservé en "
        "ligne, dans des stations de quartier.",
        "kind": "service",
        "themes": ["logistique-urbaine", "velo"],
        "tags": ["vélo-cargo", "partage", "réservation"],
        "licence": "AGPL-3.0-or-later",
        "maturity": "production",
        "holder": "velocite",
        "links": links("cargo-partage", demo=True),
        "description": """Déménager un carton, faire les courses pour la semaine,
emmener deux enfants : le **vélo-cargo partagé** se réserve à l’heure dans
l’une des douze stations de quartier.

Le service utilise le vélo-cargo ouvert Charrette et le gestionnaire de
flotte de Cargonaute ; l’association assure l’accueil et la maintenance.

## Tarifs

Les deux premières heures sont gratuites pour les adhérents ; un tarif
solidaire existe pour les bénéficiaires de minima sociaux.""",
        "resource": "Un service de réservation, douze stations et la méthode "
        "pour en ouvrir d’autres.",
        "community_pillar": "Les adhérents participent à la maintenance lors "
        "d’ateliers mensuels.",
        "governance": "L’association gère le service ; les adhérents élisent "
        "le comité qui fixe les tarifs.",
        "community": [
            ("holder", "cargonaute", "active"),
            ("user", "@camille", "active"),
            ("funder", "rhone", "left"),
            ("funder", "fris", "active"),
        ],
        "needs": [
            (
                "Stations supplémentaires",
                "funding",
                "open",
                "Quatre nouvelles stations demandées par les habitants.",
            ),
        ],
    },
    {
        "key": "covoiturage-solidaire",
        "title": "Covoiturage solidaire rural",
        "summary": "Une permanence téléphonique qui met en relation habitants "
        "sans voiture et conducteurs bénévoles.",
        "kind": "service",
        "themes": ["covoiturage-partage", "accessibilite"],
        "tags": ["covoiturage", "solidarité", "rural", "bénévolat"],
        "licence": "CC-BY-SA-4.0",
        "maturity": "production",
        "holder": "partage-rural",
        "links": links("covoiturage-solidaire", repository=False),
        "description": """Pas de smartphone, pas de voiture, pas de bus : le
**covoiturage solidaire** répond au téléphone trois après-midi par semaine
et trouve un conducteur bénévole pour le rendez-vous médical, les courses ou
l’entretien d’embauche.

Le passager participe aux frais selon un barème solidaire ; les conducteurs
sont défrayés au kilomètre.

## Essaimer

La méthode (charte des conducteurs, barème, fiche d’accueil) est publiée
pour que d’autres territoires montent leur propre permanence.""",
        "resource": "Une permanence, la méthode d’organisation et les modèles de "
        "documents.",
        "community_pillar": "Cinquante conducteurs bénévoles et trois salariés ; "
        "une réunion mensuelle des bénévoles.",
        "governance": "L’association décide avec ses bénévoles ; les communes "
        "partenaires siègent au comité de suivi.",
        "community": [
            ("user", "vallees", "active"),
            ("contributor", "lmt", "active"),
            ("funder", "fondation", "active"),
            ("funder", "fris", "declined"),
        ],
        "needs": [
            (
                "Conducteurs bénévoles",
                "other",
                "open",
                "Des conducteurs dans le nord du territoire.",
            ),
        ],
    },
    {
        "key": "itineraires-accessibles",
        "title": "Calcul d’itinéraires accessibles",
        "summary": "Des itinéraires adaptés à chaque besoin : fauteuil, canne "
        "blanche, poussette, fatigue.",
        "kind": "service",
        "themes": ["accessibilite", "transport-public"],
        "tags": ["accessibilité", "itinéraires", "PMR", "piétons"],
        "licence": "AGPL-3.0-or-later",
        "maturity": "prototype",
        "holder": "acces",
        "links": links("itineraires-accessibles", demo=True),
        "description": """Ce service calcule des **itinéraires accessibles** en
combinant le calculateur Itinéo, les données d’accessibilité des arrêts et
les signalements d’obstacles.

Chaque personne décrit ses besoins une fois (pas de marche, pente maximale,
pas d’escalier) et obtient des trajets qu’elle peut réellement faire.

## Prototype

Le prototype couvre le bassin sud ; il est testé par un panel de trente
usagers.""",
        "resource": "Un service web prototype et la description des profils de "
        "besoins.",
        "community_pillar": "Le panel d’usagers teste chaque version et vote les "
        "priorités.",
        "governance": "L’association décide avec son panel ; Itinéo assure le "
        "développement.",
        "community": [
            ("holder", "itineo", "active"),
            ("contributor", "syndicat", "active"),
            ("user", "@claire", "active"),
            ("funder", "fondation", "active"),
        ],
        "needs": [
            (
                "Profils de besoins validés",
                "testers",
                "in_progress",
                "Valider les profils avec des personnes concernées.",
            ),
        ],
    },
    {
        "key": "archive-gtfs",
        "title": "Archive ouverte des horaires GTFS",
        "summary": "Toutes les versions des horaires publiés, conservées, "
        "comparables et téléchargeables.",
        "kind": "service",
        "themes": ["transport-public"],
        "tags": ["GTFS", "archive", "historique", "recherche"],
        "licence": "ODbL-1.0",
        "maturity": "beta",
        "holder": "idt",
        "links": links("archive-gtfs", demo=True, download="index.csv"),
        "description": """L’**archive GTFS** télécharge chaque jour les horaires
publiés par les réseaux français, détecte les nouvelles versions et les
conserve avec leur empreinte et leur période de validité.

Chercheurs et journalistes peuvent ainsi reconstituer l’offre de transport
d’une date passée et comparer deux versions : lignes créées ou supprimées,
fréquences modifiées.

## Chiffres

Plus de 400 réseaux suivis, 35 000 versions archivées.""",
        "resource": "Un service de collecte, une archive et un outil de comparaison.",
        "community_pillar": "Les chercheurs qui l’utilisent proposent des "
        "indicateurs de comparaison.",
        "governance": "L’institut opère l’archive ; un conseil scientifique "
        "décide des évolutions.",
        "community": [
            ("contributor", "opentransit", "active"),
            ("user", "lmt", "active"),
            ("user", "@amandine", "active"),
        ],
        "needs": [
            (
                "Stockage à long terme",
                "funding",
                "open",
                "Un partenaire pour le stockage des archives au-delà de 5 ans.",
            ),
        ],
    },
    {
        "key": "assistance-collectivites",
        "title": "Assistance mobilité pour les petites collectivités",
        "summary": "Un service d’aide pour les communes qui lancent un projet "
        "de mobilité sans ingénieur dédié.",
        "kind": "service",
        "themes": ["accessibilite", "transport-public"],
        "tags": ["accompagnement", "collectivités", "conseil"],
        "licence": "CC-BY-4.0",
        "maturity": "beta",
        "holder": "cerem",
        "links": links("assistance-collectivites", repository=False),
        "description": """Une petite commune veut installer un abri vélo, lancer
du covoiturage ou rendre son arrêt de car accessible, mais n’a pas
d’ingénieur : ce **service d’assistance** répond à ses questions par
téléphone et par écrit, en s’appuyant sur les communs de la Fabrique.

Chaque réponse est publiée (anonymisée) dans une foire aux questions qui
profite à tous.

## Comment ça marche

1. la commune pose sa question ;
2. un ingénieur répond sous dix jours, avec des exemples ;
3. la réponse rejoint la foire aux questions.""",
        "resource": "Un service de questions-réponses et une foire aux questions "
        "ouverte.",
        "community_pillar": "Des ingénieurs de collectivités volontaires "
        "répondent aussi, en binôme.",
        "governance": "Le centre d’études organise le service ; un comité "
        "d’élus ruraux en évalue l’utilité chaque année.",
        "community": [
            ("contributor", "@yann", "active"),
            ("user", "vallees", "active"),
            ("funder", "programme", "active"),
        ],
        "needs": [
            (
                "Ingénieurs répondants",
                "skills",
                "open",
                "Des ingénieurs de collectivités volontaires, deux heures par mois.",
            ),
        ],
    },
]
