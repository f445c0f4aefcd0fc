"""Demo content of the challenges: domains, needs, micro-challenges in every
state of their lifecycle, betas, experiments with feedback, projects, ledger
entries and funding — a French mobility ecosystem a year into the method.

People are named by their demo username (``fabrique.catalog.demo_data``),
actors by their key, commons by their title. ``RESIDENTS`` are the field
actors who join the communities besides the demo's regulars.
"""

from __future__ import annotations

from typing import Any

RESIDENTS: list[tuple[str, str, str]] = [
    ("fatou", "Fatou Diallo", "Villeurbanne"),
    ("mehdi", "Mehdi Rahmani", "Villeurbanne"),
    ("lucie", "Lucie Perrin", "Villeurbanne"),
    ("bruno", "Bruno Marchand", "Lyon"),
    ("anais", "Anaïs Colin", "Lyon"),
    ("kevin", "Kévin Robert", "Vaulx-en-Velin"),
    ("nadia", "Nadia Benkhelifa", "Lille"),
    ("pierre", "Pierre Lemaire", "Lille"),
    ("oceane", "Océane Carpentier", "Roubaix"),
    ("gaspard", "Gaspard Vidal", "Aurillac"),
    ("jeanne", "Jeanne Delmas", "Arpajon-sur-Cère"),
    ("marc", "Marc Besson", "Vic-sur-Cère"),
    ("sylvie", "Sylvie Chabert", "Aurillac"),
    ("ibrahim", "Ibrahim Keita", "Nantes"),
    ("elodie", "Élodie Gautier", "Saint-Nazaire"),
    ("victor", "Victor Moulin", "Grenoble"),
    ("chloe", "Chloé Barbier", "Lyon"),
    ("antoine", "Antoine Royer", "Lyon"),
    ("manon", "Manon Giraud", "Villeurbanne"),
    ("samir", "Samir Ouali", "Lyon"),
]

DOMAINS: list[dict[str, Any]] = [
    {
        "key": "velo",
        "name": "Vélo partagé et vélos cargo",
        "summary": "Partager des vélos, des vélos cargo et les lieux pour les garer, "
        "entre voisins, entreprises et collectivités.",
        "description": "Une communauté de cyclistes du quotidien, d'associations de "
        "réparation, de loueurs et de services vélo des collectivités. On y part "
        "des besoins du terrain — les familles, les résidences, les entreprises — "
        "et on teste en vrai avant de généraliser.",
        "facilitator": "camille",
        "themes": ["velo", "logistique-urbaine"],
        "members": ["lea", "thomas", "mathilde", "hugo", "claire", "romain"],
    },
    {
        "key": "rural",
        "name": "Se déplacer à la campagne",
        "summary": "Covoiturage, transport à la demande et solidarité pour les "
        "territoires peu denses.",
        "description": "Élus, associations, habitants et chercheurs qui cherchent "
        "des solutions simples pour les trajets du quotidien loin des lignes "
        "régulières : marché, rendez-vous médicaux, lycée, emploi.",
        "facilitator": "amandine",
        "themes": ["covoiturage-partage", "accessibilite"],
        "members": ["yann", "ines", "nicolas"],
    },
    {
        "key": "logistique",
        "name": "Logistique urbaine à vélo",
        "summary": "Livrer les centres-villes sans camionnette : remorques, "
        "tournées, aires de livraison.",
        "description": "Commerçants, livreurs à vélo, fabricants et services "
        "voirie qui partagent leurs essais de tournées et leurs plans.",
        "facilitator": "thomas",
        "themes": ["logistique-urbaine"],
        "members": ["julien", "karim", "lea"],
    },
]

# Each need: domain, author (a field actor, optionally for an actor), the
# sub-domains a facilitator split it into, and its micro-challenges.
NEEDS: list[dict[str, Any]] = [
    {
        "domain": "velo",
        "title": "Comment partager plus de vélos ?",
        "author": "lea",
        "actor": "velocite",
        "carriers": ["mathilde", "camille"],
        "place": "Métropole de Lyon et Lille",
        "description": "Dans nos quartiers, beaucoup de vélos dorment dans les caves "
        "pendant que des familles, des salariés et des étudiants n'en ont pas. "
        "Les vélos cargo coûtent cher et servent peu. Comment les faire circuler "
        "entre ceux qui en ont et ceux qui en ont besoin ?",
        "subdomains": [
            (
                "Vélos cargo pour les familles",
                "Prêt, location solidaire, réservation simple.",
            ),
            (
                "Garer et protéger les vélos",
                "Abris en résidence, stationnement sécurisé.",
            ),
            ("Vélos au travail", "Flottes partagées entre salariés et entreprises."),
        ],
        "challenges": [
            {
                "title": "Dix vélos cargo en prêt pour les familles de Villeurbanne",
                "subdomain": 0,
                "state": "delivered",
                "goal": "Prêter dix vélos cargo à des familles pendant un mois, "
                "avec une réservation et une remise des clés sans permanence.",
                "criteria": "Huit familles sur dix s'en servent chaque semaine ; "
                "moins d'une panne bloquante par mois.",
                "place": ("Villeurbanne — Maison du vélo", 45.7719, 4.8902),
                "deadline": 60,
                "people": 18,
                "producers": ["thomas", "hugo"],
                "producer_actors": {"thomas": "cargonaute"},
                "beta": {
                    "title": "Réservation et suivi de flotte, version terrain",
                    "description": "Le gestionnaire de flotte gagne un calendrier "
                    "partagé, un rappel SMS la veille et un relevé des pannes.",
                    "commons": "Gestionnaire de flotte de vélos-cargos",
                    "url": "https://example.org/flotte-cargo/beta",
                },
                "experiment": {
                    "title": "Un mois de prêt à la Maison du vélo",
                    "place": ("Villeurbanne — Maison du vélo", 45.7719, 4.8902),
                    "days": (-150, -120),
                    "protocol": "Dix familles volontaires, un vélo chacune pour "
                    "quatre semaines ; un carnet de bord par famille ; deux "
                    "réunions de retour.",
                    "results": "Neuf familles sur dix ont roulé chaque semaine, "
                    "312 trajets notés, deux crevaisons et un frein à régler. "
                    "Six familles veulent continuer en location solidaire.",
                    "feedback": [
                        (
                            "fatou",
                            5,
                            "Je dépose les deux enfants à l'école en "
                            "dix minutes au lieu de vingt-cinq en bus.",
                        ),
                        (
                            "mehdi",
                            4,
                            "Le rappel SMS la veille est très pratique. "
                            "La côte de la rue Francis-de-Pressensé reste dure "
                            "sans assistance.",
                        ),
                        (
                            "lucie",
                            4,
                            "Il manque un antivol en U fourni avec le "
                            "vélo : on n'ose pas le laisser devant le marché.",
                        ),
                    ],
                },
            },
            {
                "title": "Réserver un vélo par SMS, sans smartphone",
                "subdomain": 0,
                "state": "experimenting",
                "goal": "Permettre aux personnes sans smartphone de réserver un "
                "vélo partagé par un simple SMS.",
                "criteria": "Trente réservations par SMS en trois semaines ; "
                "aucune réservation perdue.",
                "place": ("Lille — Fives", 50.6292, 3.0903),
                "deadline": 30,
                "people": 14,
                "producers": ["romain"],
                "beta": {
                    "title": "Passerelle SMS de réservation",
                    "description": "Le logiciel de réservation gagne une passerelle "
                    "SMS : « RESA 12 » réserve le vélo 12, « FIN » le rend. Les "
                    "réponses arrivent en moins d'une minute.",
                    "commons": "Réserv’Auto — car-sharing booking software",
                    "url": "https://example.org/sms-velo",
                },
                "experiment": {
                    "title": "Trois semaines de réservations par SMS à Fives",
                    "place": ("Lille — Fives, centre social", 50.6292, 3.0903),
                    "days": (-20, 1),
                    "protocol": "Quinze habitants du centre social reçoivent le "
                    "numéro ; huit vélos réservables ; relevé des messages "
                    "incompris.",
                    "results": "",
                    "feedback": [
                        (
                            "nadia",
                            5,
                            "Ma mère de 71 ans a réservé toute seule, elle est ravie.",
                        ),
                        (
                            "pierre",
                            3,
                            "Deux fois la réponse est arrivée après "
                            "dix minutes : j'ai cru que ça n'avait pas marché.",
                        ),
                    ],
                },
            },
            {
                "title": "Un abri vélo sécurisé dans chaque résidence HLM",
                "subdomain": 1,
                "state": "beta",
                "goal": "Installer un abri vélo fermé, construit en bois local, "
                "dans trois résidences, et mesurer s'il fait sortir les vélos "
                "des appartements.",
                "criteria": "Deux tiers des places occupées après deux mois ; "
                "aucun vol.",
                "place": ("Vaulx-en-Velin — résidence du Mas", 45.7789, 4.9208),
                "deadline": 90,
                "people": 11,
                "producers": ["julien"],
                "beta": {
                    "title": "Abri de douze places à badge",
                    "description": "Les plans de l'abri en bois local, adaptés "
                    "à une serrure à badge compatible avec celle des halls.",
                    "commons": "Abri vélo sécurisé en bois local",
                    # Residents who tried the first abri say how it went.
                    "feedback": [
                        (
                            "kevin",
                            4,
                            "Le badge marche bien ; la porte est lourde "
                            "pour les enfants.",
                        ),
                        ("anais", 5, "Mon vélo ne dort plus dans le salon."),
                    ],
                },
            },
            {
                "title": "Une flotte de vélos de service partagée entre trois PME",
                "subdomain": 2,
                "state": "formed",
                "goal": "Mutualiser six vélos à assistance électrique entre trois "
                "entreprises voisines d'une zone d'activité.",
                "criteria": "Chaque vélo sort au moins quatre jours sur cinq.",
                "place": ("Lyon — Gerland", 45.7267, 4.8320),
                "deadline": 120,
                "people": 9,
                "producers": ["hugo"],
            },
            {
                "title": "Prêter des vélos pliants aux voyageurs du TER",
                "subdomain": 2,
                "state": "open",
                "goal": "Tester le prêt de vélos pliants en gare pour le dernier "
                "kilomètre des pendulaires.",
                "criteria": "Vingt pendulaires réguliers après un mois.",
                "place": ("Gare de Lyon Part-Dieu", 45.7606, 4.8593),
                "deadline": 150,
                "people": 20,
            },
            {
                "title": "Cartographier les ateliers de réparation de quartier",
                "subdomain": None,
                "state": "proposed",
                "goal": "Recenser les ateliers d'autoréparation et leurs horaires "
                "dans un jeu de données ouvert.",
                "criteria": "Tous les ateliers de la métropole, vérifiés sur place.",
                "place": ("Métropole de Lyon", 45.7640, 4.8357),
                "deadline": 180,
                "people": 0,
            },
            {
                "title": "Des vélos électriques en libre-service dans un village",
                "subdomain": None,
                "state": "closed",
                "closed_reason": "La commune a retenu une offre de location longue "
                "durée ; le besoin est suivi dans « Se déplacer à la campagne ».",
                "goal": "Installer quatre vélos électriques en libre-service "
                "devant la mairie.",
                "criteria": "Cent locations en trois mois.",
                "place": ("Saint-Cernin", 45.0591, 2.4219),
                "deadline": -30,
                "people": 6,
            },
        ],
    },
    {
        "domain": "rural",
        "title": "Comment aller au marché et chez le médecin sans voiture ?",
        "author": "amandine",
        "actor": "partage-rural",
        "carriers": ["yann"],
        "place": "Communauté de communes des Trois Vallées",
        "description": "Dans nos villages, le car passe deux fois par jour et "
        "pas le samedi. Les personnes âgées renoncent au marché et parfois à "
        "leurs rendez-vous médicaux.",
        "subdomains": [
            ("Covoiturage de proximité", "Trajets réguliers entre voisins."),
            ("Transport à la demande", "Réserver la veille un trajet adapté."),
        ],
        "challenges": [
            {
                "title": "Covoiturage solidaire vers le marché d'Aurillac",
                "subdomain": 0,
                "state": "experimenting",
                "goal": "Relier chaque samedi quatre villages au marché par des "
                "conducteurs bénévoles, réservés par téléphone.",
                "criteria": "Quinze passagers réguliers ; aucun trajet annulé "
                "sans solution.",
                "place": ("Aurillac — place de l'Hôtel-de-Ville", 44.9264, 2.4397),
                "deadline": 45,
                "people": 16,
                "producers": ["ines"],
                "producer_actors": {"ines": "roulons"},
                "beta": {
                    "title": "Standard téléphonique et tableau des trajets",
                    "description": "Une bénévole prend les demandes au téléphone ; "
                    "le tableau des trajets propose le conducteur le plus proche.",
                    "commons": "Covoiturage solidaire rural",
                },
                "experiment": {
                    "title": "Les samedis du marché, d'octobre à décembre",
                    "place": ("Vic-sur-Cère", 44.9805, 2.6262),
                    "days": (-60, 10),
                    "protocol": "Quatre villages, six conducteurs, réservation "
                    "jusqu'au vendredi midi ; relevé des trajets et appel de "
                    "chaque passager après son premier trajet.",
                    "results": "",
                    "feedback": [
                        (
                            "jeanne",
                            5,
                            "Je retourne au marché tous les samedis "
                            "depuis octobre. Le conducteur m'aide à porter mes "
                            "courses.",
                        ),
                        (
                            "marc",
                            4,
                            "Le vendredi midi c'est tôt pour réserver "
                            "quand on ne sait pas encore le temps qu'il fera.",
                        ),
                    ],
                },
            },
            {
                "title": "Un transport à la demande pour les rendez-vous médicaux",
                "subdomain": 1,
                "state": "open",
                "goal": "Réserver la veille un trajet vers la maison de santé, "
                "mutualisé entre patients.",
                "criteria": "Quarante trajets par mois, attente moyenne sous "
                "vingt minutes.",
                "place": ("Arpajon-sur-Cère — maison de santé", 44.9036, 2.4570),
                "deadline": 100,
                "people": 7,
            },
        ],
    },
    {
        # Not split yet: its author asked the facilitator to split it.
        "domain": "velo",
        "title": "Comment rendre les arrêts de bus accessibles à vélo ?",
        "author": "mehdi",
        "actor": None,
        "carriers": ["fatou"],
        "place": "Villeurbanne",
        "description": "Aux arrêts de la ligne C3 il n'y a **aucun arceau** : "
        "on ne peut pas venir à vélo puis prendre le bus.\n\n"
        "| Arrêt | Arceaux |\n|---|---|\n| Gratte-Ciel | 0 |\n"
        "| Cusset | 0 |",
        "subdomains": [],
        "challenges": [],
        "split_request": "Un défi par arrêt de la ligne, pour commencer par "
        "les trois plus fréquentés ?",
    },
    {
        "domain": "logistique",
        "title": "Comment livrer le centre-ville sans camionnette ?",
        "author": "karim",
        "actor": None,
        "carriers": ["julien"],
        "place": "Grenoble",
        "description": "Les camionnettes bloquent les rues piétonnes le matin. "
        "Les commerçants veulent bien changer mais doutent qu'un vélo porte "
        "assez.",
        "subdomains": [],
        "challenges": [
            {
                "title": "Une tournée de livraison en vélo cargo avec remorque",
                "subdomain": None,
                "state": "delivered",
                "goal": "Remplacer une tournée de camionnette par un vélo cargo "
                "et une remorque modulaire pour six commerces.",
                "criteria": "Toutes les livraisons avant 10 h pendant un mois.",
                "place": ("Grenoble — hypercentre", 45.1885, 5.7245),
                "deadline": -40,
                "people": 10,
                "producers": ["julien", "karim"],
                "producer_actors": {"julien": "amr"},
                "beta": {
                    "title": "Remorque de 250 kg à attelage rapide",
                    "description": "La remorque modulaire renforcée, avec un "
                    "attelage qui se change en dix secondes.",
                    "commons": "Remorque vélo modulaire",
                },
                "experiment": {
                    "title": "Un mois de tournées pour six commerces",
                    "place": ("Grenoble — place Grenette", 45.1916, 5.7278),
                    "days": (-110, -80),
                    "protocol": "Une tournée quotidienne de 7 h à 10 h ; pesée "
                    "des chargements ; avis des commerçants chaque vendredi.",
                    "results": "Toutes les livraisons sont arrivées avant 10 h ; "
                    "charge moyenne 180 kg ; deux commerçants ont signé pour "
                    "l'année.",
                    "feedback": [
                        (
                            "victor",
                            5,
                            "Plus rapide que la camionnette dans les "
                            "rues piétonnes, et on se gare devant la boutique.",
                        ),
                    ],
                },
            },
        ],
    },
]

# Projects of entrepreneurs and partners' transitions, with their contract.
PROJECTS: list[dict[str, Any]] = [
    {
        "name": "Cargo Familles — location solidaire de vélos cargo",
        "actor": "cargonaute",
        "kind": "startup",
        "accompaniment": "accompanied",
        "summary": "Louer des vélos cargo aux familles au prix d'un abonnement de bus.",
        "uses": [
            "Vélos-cargos partagés en libre-service",
            "Gestionnaire de flotte de vélos-cargos",
        ],
        "contributes_to": [
            "Gestionnaire de flotte de vélos-cargos",
            "Vélo-cargo ouvert « Charrette »",
        ],
    },
    {
        "name": "Roulons Ensemble — covoiturage domicile-travail",
        "actor": "roulons",
        "kind": "startup",
        "accompaniment": "alumni",
        "summary": "Une application de covoiturage pour les zones d'activité.",
        "uses": [
            "Registre de preuve de covoiturage",
            "Preuve de trajet — SDK de covoiturage",
        ],
        "contributes_to": [
            "Preuve de trajet — SDK de covoiturage",
            "Covoiturage solidaire rural",
        ],
    },
    {
        "name": "Itinéo Pro — calcul d'itinéraires pour les entreprises",
        "actor": "itineo",
        "kind": "startup",
        "accompaniment": "applied",
        "summary": "Des plans de mobilité employeur calculés sur les données ouvertes.",
        "uses": [
            "Horaires théoriques GTFS de l’estuaire",
            "Géocodeur des adresses et arrêts",
            "Vélos en libre-service — flux GBFS",
        ],
        "contributes_to": [],
    },
    {
        "name": "Plan vélo métropolitain 2030",
        "actor": "rhone",
        "kind": "transition",
        "accompaniment": "accompanied",
        "summary": "La transition de la métropole vers un réseau cyclable "
        "continu et mesuré.",
        "uses": ["Comptages vélo ouverts", "Stationnement vélo (bike parking)"],
        "contributes_to": [
            "Comptages vélo ouverts",
            "Tableau de bord des comptages vélo",
        ],
    },
    {
        "name": "Rétrofit des utilitaires municipaux",
        "actor": "amr",
        "kind": "transition",
        "accompaniment": "accompanied",
        "summary": "Passer à l'électrique vingt utilitaires de voirie sans "
        "les remplacer.",
        "uses": ["Kit de rétrofit électrique pour utilitaires légers"],
        "contributes_to": [
            "Kit de rétrofit électrique pour utilitaires légers",
            "Référentiel de compétences du rétrofit",
        ],
    },
    {
        "name": "Bornes solaires pour les villages",
        "actor": "borne",
        "kind": "startup",
        "accompaniment": "ended",
        "summary": "Recharger vélos et trottinettes au soleil, hors réseau.",
        "uses": ["Borne de recharge solaire pour vélos"],
        "contributes_to": [],
    },
]

# Ledger entries written by hand; more are generated from LEDGER_WORK.
LEDGER: list[dict[str, Any]] = [
    {
        "who": "hugo",
        "kind": "code",
        "commons": "Gestionnaire de flotte de vélos-cargos",
        "what": "Calendrier partagé des réservations et rappel SMS la veille",
        "evidence": "https://example.org/flotte-cargo/merge/42",
        "status": "confirmed",
    },
    {
        "who": "thomas",
        "kind": "testing",
        "commons": "Gestionnaire de flotte de vélos-cargos",
        "what": "Un mois d'essai avec dix familles à Villeurbanne",
        "status": "confirmed",
        "actor": "cargonaute",
    },
    {
        "who": "romain",
        "kind": "code",
        "commons": "Réserv’Auto — car-sharing booking software",
        "what": "Passerelle SMS : commandes RESA et FIN",
        "evidence": "https://example.org/sms-velo/commits",
        "status": "pending",
    },
    {
        "who": "sophie",
        "kind": "funding",
        "commons": "Covoiturage solidaire rural",
        "what": "Financement du standard téléphonique pour six mois",
        "status": "confirmed",
        "actor": "fondation",
    },
    {
        "who": "claire",
        "kind": "documentation",
        "commons": "Abri vélo sécurisé en bois local",
        "what": "Notice de montage illustrée pour les bailleurs",
        "status": "confirmed",
    },
    {
        "who": "karim",
        "kind": "design",
        "commons": "Remorque vélo modulaire",
        "what": "Attelage rapide : plans et tolérances",
        "evidence": "https://example.org/remorque/attelage",
        "status": "confirmed",
    },
    {
        "who": "nicolas",
        "kind": "data",
        "commons": "Stationnement vélo (bike parking)",
        "what": "Import de 1 200 arceaux relevés par la métropole",
        "status": "declined",
    },
]

# Typical work, by kind of commons: the generator spreads it over a year.
LEDGER_WORK: dict[str, list[tuple[str, str]]] = {
    "data": [
        ("data", "Mise à jour mensuelle du jeu de données"),
        ("data", "Correction de coordonnées erronées"),
        ("documentation", "Description des champs et exemples"),
        ("testing", "Vérification sur le terrain d'un échantillon"),
    ],
    "software": [
        ("code", "Correction d'un bogue signalé par un utilisateur"),
        ("code", "Nouvelle fonction demandée par la communauté"),
        ("testing", "Tests de la version candidate"),
        ("documentation", "Guide d'installation mis à jour"),
        ("design", "Écran plus lisible sur mobile"),
    ],
    "hardware": [
        ("design", "Révision des plans de fabrication"),
        ("testing", "Essai de charge et de freinage"),
        ("documentation", "Notice de montage"),
    ],
    "knowledge": [
        ("documentation", "Nouveau chapitre rédigé"),
        ("facilitation", "Atelier de relecture collective"),
    ],
    "service": [
        ("facilitation", "Animation de la réunion mensuelle des usagers"),
        ("testing", "Essai du service avec des usagers"),
        ("code", "Amélioration de l'outil de réservation"),
    ],
}

FUNDING: list[dict[str, Any]] = [
    {
        "funder": "fondation",
        "commons": "Covoiturage solidaire rural",
        "kind": "grant",
        "amount": "18000",
        "purpose": "Standard téléphonique et défraiement des conducteurs bénévoles",
        "days": -200,
        # Received, then spent in part: with a receipt file, and with a link.
        "acknowledged": True,
        "expenses": [
            {
                "amount": "2400",
                "purpose": "Abonnement annuel du standard téléphonique",
                "days": -180,
                "receipt": "file",
            },
            {
                "amount": "3150.40",
                "purpose": "Défraiement kilométrique des conducteurs, premier semestre",
                "days": -60,
                "receipt": "https://covoiturage-rural.example.org/comptes/2026-s1.pdf",
            },
        ],
    },
    {
        "funder": "fondation",
        "commons": "Abri vélo sécurisé en bois local",
        "kind": "grant",
        "amount": "9500",
        "purpose": "Trois abris pilotes en résidence",
        "days": -90,
    },
    {
        "funder": "fris",
        "commons": "Gestionnaire de flotte de vélos-cargos",
        "kind": "grant",
        "amount": "24000",
        "purpose": "Développement du calendrier partagé et du suivi des pannes",
        "days": -260,
    },
    {
        "funder": "fris",
        "commons": "Vélos-cargos partagés en libre-service",
        "kind": "pledge",
        "amount": "30000",
        "purpose": "Extension à trois quartiers en 2027",
        "days": -20,
        # Partly paid: a first grant on the pledge, received.
        "paid": [{"amount": "12000", "purpose": "Premier quartier", "days": -5}],
    },
    {
        "funder": "programme",
        "commons": "Remorque vélo modulaire",
        "kind": "grant",
        "amount": "12000",
        "purpose": "Industrialisation de l'attelage rapide",
        "days": -70,
        # Left waiting for the holders to say it arrived.
        "acknowledged": False,
    },
    {
        "funder": "programme",
        "commons": "Réserv’Auto — car-sharing booking software",
        "kind": "pledge",
        "amount": "8000",
        "purpose": "Passage à l'échelle si l'expérience de Fives réussit",
        "days": -10,
    },
    {
        "funder": "programme",
        "commons": "Registre de preuve de covoiturage",
        "kind": "grant",
        "amount": "40000",
        "purpose": "Maintenance annuelle du registre",
        "days": -330,
    },
    {
        "funder": "fondation",
        "commons": "Signalement d’obstacles",
        "kind": "grant",
        "amount": "6000",
        "purpose": "Ateliers avec des personnes en fauteuil",
        "days": -150,
    },
    {
        "funder": "fris",
        "commons": "Kit de rétrofit électrique pour utilitaires légers",
        "kind": "pledge",
        "amount": "15000",
        "purpose": "Homologation du kit",
        "days": -40,
    },
]
