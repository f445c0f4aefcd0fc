"""Demo actors: invented organisations and people, placed in real French towns.

``members`` lists accounts; the first one created the page and represents the
actor. ``places`` are (name, city, postcode, latitude, longitude).
"""

ACTORS = [
    # Start-ups ------------------------------------------------------------
    {
        "key": "roulons",
        "name": "Roulons Ensemble",
        "type": "startup",
        "summary": "Covoiturage domicile-travail pour les zones d’activité "
        "mal desservies.",
        "description": "Roulons Ensemble met en relation les salariés d’une même "
        "zone d’activité pour partager leurs trajets quotidiens.\n\n"
        "Nous publions notre kit de preuve de trajet en logiciel libre et "
        "contribuons au registre national de preuve de covoiturage.",
        "website": "https://roulons.example.org/",
        "skills": ["covoiturage", "applications mobiles", "API", "animation"],
        "members": ["ines", "hugo"],
        "places": [("Siège", "Nantes", "44000", 47.2184, -1.5536)],
    },
    {
        "key": "cargonaute",
        "name": "Cargonaute",
        "type": "startup",
        "summary": "Livraisons du dernier kilomètre à vélo-cargo.",
        "description": "Coopérative de coursiers à vélo-cargo. Nous livrons "
        "commerces et particuliers du centre de Bordeaux et partageons nos "
        "outils de gestion de flotte.",
        "website": "https://cargonaute.example.org/",
        "skills": ["logistique", "vélo-cargo", "gestion de flotte"],
        "members": ["thomas"],
        "places": [
            ("Entrepôt des Chartrons", "Bordeaux", "33300", 44.8583, -0.5701),
            ("Antenne de Bègles", "Bègles", "33130", 44.8086, -0.5478),
        ],
    },
    {
        "key": "itineo",
        "name": "Itinéo",
        "type": "startup",
        "summary": "Calcul d’itinéraires multimodal ouvert pour les réseaux "
        "de transport.",
        "description": "Itinéo développe un calculateur d’itinéraires libre qui "
        "combine transport public, vélo, marche et covoiturage, et l’opère "
        "pour des collectivités.",
        "website": "https://itineo.example.org/",
        "skills": ["routage", "GTFS", "OpenStreetMap", "API"],
        "members": ["romain", "hugo"],
        "places": [("Bureaux de la Part-Dieu", "Lyon", "69003", 45.7606, 4.8593)],
    },
    {
        "key": "borne",
        "name": "Borne & Co",
        "type": "startup",
        "summary": "Supervision ouverte des bornes de recharge.",
        "description": "Borne & Co aide les communes à installer et superviser "
        "leurs bornes de recharge, avec des données publiées en open data.",
        "website": "https://borne-co.example.org/",
        "skills": ["recharge", "OCPP", "électronique", "données"],
        "members": ["karim"],
        "places": [("Atelier", "Grenoble", "38000", 45.1885, 5.7245)],
    },
    # Industry ---------------------------------------------------------------
    {
        "key": "amr",
        "name": "Ateliers Mécaniques du Rhône",
        "type": "industry",
        "summary": "Fabrication de cadres, remorques et pièces pour cycles.",
        "description": "PME de mécano-soudure, les Ateliers fabriquent en petite "
        "série des cadres de vélos utilitaires et des remorques, à partir de "
        "plans ouverts.",
        "website": "https://amr.example.org/",
        "skills": ["soudure", "découpe laser", "petites séries", "qualité"],
        "members": ["julien"],
        "places": [("Usine", "Saint-Étienne", "42000", 45.4397, 4.3872)],
    },
    {
        "key": "convertis",
        "name": "Convertis Mobilité",
        "type": "industry",
        "summary": "Rétrofit électrique de véhicules utilitaires légers.",
        "description": "Convertis Mobilité transforme des utilitaires "
        "thermiques en véhicules électriques homologués et documente ses kits.",
        "website": "https://convertis.example.org/",
        "skills": ["rétrofit", "homologation", "batteries", "électronique"],
        "members": ["karim", "julien"],
        "places": [("Atelier de conversion", "Angers", "49000", 47.4784, -0.5632)],
    },
    {
        "key": "signaletique",
        "name": "Signalétique Durand",
        "type": "industry",
        "summary": "Conception et fabrication de signalétique de jalonnement.",
        "description": "Entreprise familiale de signalétique, passée au "
        "jalonnement piéton et vélo, et à la signalétique accessible.",
        "website": "https://signaletique-durand.example.org/",
        "skills": ["signalétique", "design", "accessibilité", "fabrication"],
        "members": ["julien"],
        "places": [("Atelier", "Roubaix", "59100", 50.6942, 3.1746)],
    },
    # Territories ----------------------------------------------------------
    {
        "key": "rhone",
        "name": "Métropole Rhône-Confluence",
        "type": "territory",
        "summary": "Autorité organisatrice des mobilités d’une grande métropole.",
        "description": "La métropole organise les transports publics, le vélo en "
        "libre-service et le covoiturage sur 59 communes. Elle publie ses "
        "données de mobilité sous licence ouverte.",
        "website": "https://metropole-rhone-confluence.example.org/",
        "skills": ["données ouvertes", "vélo", "transport public", "marchés"],
        "members": ["mathilde", "camille"],
        "places": [("Hôtel de la métropole", "Lyon", "69003", 45.7578, 4.8510)],
    },
    {
        "key": "loire",
        "name": "Agglomération Loire-Estuaire",
        "type": "territory",
        "summary": "Agglomération littorale, réseau de bus et de navettes fluviales.",
        "description": "L’agglomération exploite un réseau de bus, des navettes "
        "sur l’estuaire et un service de covoiturage domicile-travail.",
        "website": "https://loire-estuaire.example.org/",
        "skills": ["transport public", "covoiturage", "GTFS"],
        "members": ["yann"],
        "places": [("Siège", "Saint-Nazaire", "44600", 47.2735, -2.2138)],
    },
    {
        "key": "vallees",
        "name": "Communauté de communes des Trois Vallées",
        "type": "territory",
        "summary": "Territoire rural de moyenne montagne, 28 communes.",
        "description": "Sans réseau de transport régulier dans la plupart des "
        "villages, la communauté de communes expérimente le transport à la "
        "demande, l’autopartage et le covoiturage solidaire.",
        "website": "https://trois-vallees.example.org/",
        "skills": ["mobilité rurale", "transport à la demande"],
        "members": ["yann", "amandine"],
        "places": [("Maison des services", "Privas", "07000", 44.7353, 4.5992)],
    },
    # Labs -----------------------------------------------------------------
    {
        "key": "lmt",
        "name": "Laboratoire Mobilités et Territoires",
        "type": "lab",
        "summary": "Recherche sur les pratiques de mobilité et leur évaluation.",
        "description": "Unité de recherche pluridisciplinaire (sociologie, "
        "économie, ingénierie) qui étudie les mobilités du quotidien et évalue "
        "les expérimentations.",
        "website": "https://lmt.example.org/",
        "skills": ["enquête", "évaluation", "statistiques", "sociologie"],
        "members": ["amandine", "claire"],
        "places": [
            ("Campus", "Champs-sur-Marne", "77420", 48.8527, 2.6025),
            ("Antenne sud", "Clermont-Ferrand", "63000", 45.7772, 3.0870),
        ],
    },
    {
        "key": "idt",
        "name": "Institut des Données de Transport",
        "type": "lab",
        "summary": "Laboratoire de qualité et d’interopérabilité des données "
        "de transport.",
        "description": "L’institut conçoit des validateurs, des jeux d’essai et "
        "des méthodes pour fiabiliser les données GTFS, GBFS et NeTEx.",
        "website": "https://idt.example.org/",
        "skills": ["GTFS", "GBFS", "NeTEx", "qualité des données"],
        "members": ["aurelie"],
        "places": [("Laboratoire", "Toulouse", "31000", 43.6047, 1.4442)],
    },
    {
        "key": "rouages",
        "name": "FabLab Les Rouages",
        "type": "lab",
        "summary": "Fablab associatif dédié aux véhicules légers.",
        "description": "Découpe, soudure, électronique : le fablab prototype des "
        "vélos-cargos, des remorques et des capteurs avec ses membres, et "
        "publie tout sous licence libre.",
        "website": "https://les-rouages.example.org/",
        "skills": ["prototypage", "électronique", "impression 3D", "soudure"],
        "members": ["thomas", "hugo"],
        "places": [("Atelier", "Rennes", "35000", 48.1173, -1.6778)],
    },
    # Associations -----------------------------------------------------------
    {
        "key": "velocite",
        "name": "Vélocité Solidaire",
        "type": "association",
        "summary": "Ateliers vélo participatifs et solidaires.",
        "description": "L’association anime trois ateliers où chacun apprend à "
        "réparer son vélo, et recense le stationnement vélo avec ses bénévoles.",
        "website": "https://velocite-solidaire.example.org/",
        "skills": ["réparation vélo", "animation", "collecte de données"],
        "members": ["lea"],
        "places": [
            ("Atelier de Wazemmes", "Lille", "59000", 50.6292, 3.0573),
            ("Atelier de Fives", "Lille", "59800", 50.6313, 3.0907),
        ],
    },
    {
        "key": "partage-rural",
        "name": "Partage Rural",
        "type": "association",
        "summary": "Mobilité solidaire dans les campagnes.",
        "description": "Partage Rural organise covoiturage solidaire et "
        "autopartage de véhicules associatifs pour les habitants sans voiture.",
        "website": "https://partage-rural.example.org/",
        "skills": ["mobilité solidaire", "autopartage", "bénévolat"],
        "members": ["amandine"],
        "places": [("Local associatif", "Aurillac", "15000", 44.9264, 2.4396)],
    },
    {
        "key": "opentransit",
        "name": "OpenTransit France",
        "type": "association",
        "summary": "Association des contributeurs aux données ouvertes de transport.",
        "description": "OpenTransit France rassemble développeurs, agents de "
        "collectivités et passionnés pour améliorer la qualité et la "
        "réutilisation des données de transport.",
        "website": "https://opentransit.example.org/",
        "skills": ["GTFS", "GTFS-RT", "logiciel libre", "documentation"],
        "members": ["aurelie", "hugo"],
        "places": [("Siège", "Paris", "75011", 48.8590, 2.3790)],
    },
    {
        "key": "acces",
        "name": "Accès Pour Tous",
        "type": "association",
        "summary": "Accessibilité des transports pour les personnes handicapées.",
        "description": "Accès Pour Tous audite l’accessibilité des gares et "
        "arrêts avec les usagers concernés et porte leurs besoins auprès des "
        "autorités organisatrices.",
        "website": "https://acces-pour-tous.example.org/",
        "skills": ["accessibilité", "audit", "plaidoyer"],
        "members": ["lea", "claire"],
        "places": [("Siège", "Marseille", "13001", 43.2965, 5.3698)],
    },
    {
        "key": "collectif-velo",
        "name": "Collectif Données Vélo",
        "type": "association",
        "summary": "Collectif de citoyens qui ouvre et cartographie les données "
        "du vélo.",
        "description": "Le collectif relève le stationnement vélo, publie les "
        "comptages et construit des outils pour suivre la politique cyclable.",
        "website": "https://donnees-velo.example.org/",
        "skills": ["cartographie", "OpenStreetMap", "visualisation"],
        "members": ["camille", "claire"],
        "places": [("Maison des associations", "Lyon", "69007", 45.7485, 4.8467)],
    },
    # Public bodies ----------------------------------------------------------
    {
        "key": "agence",
        "name": "Agence publique des données de mobilité",
        "type": "public_body",
        "summary": "Opérateur public des registres et référentiels de mobilité.",
        "description": "L’agence opère des registres ouverts (preuve de "
        "covoiturage, points d’arrêt) et accompagne les collectivités dans "
        "l’ouverture de leurs données.",
        "website": "https://agence-mobilite.example.org/",
        "skills": ["registres", "référentiels", "API", "accompagnement"],
        "members": ["nicolas"],
        "places": [("Siège", "Paris", "75013", 48.8322, 2.3561)],
    },
    {
        "key": "syndicat",
        "name": "Syndicat mixte des transports du Bassin Sud",
        "type": "public_body",
        "summary": "Coordination des réseaux de transport d’un bassin régional.",
        "description": "Le syndicat mixte coordonne huit réseaux urbains et "
        "interurbains : information voyageurs commune, tarification et "
        "données partagées.",
        "website": "https://bassin-sud.example.org/",
        "skills": ["information voyageurs", "NeTEx", "billettique"],
        "members": ["nicolas"],
        "places": [("Siège", "Montpellier", "34000", 43.6108, 3.8767)],
    },
    {
        "key": "cerem",
        "name": "Centre d’études des réseaux et mobilités",
        "type": "public_body",
        "summary": "Expertise publique sur les réseaux, la sécurité et "
        "l’accessibilité.",
        "description": "Le centre produit méthodes, guides et données de "
        "référence pour les collectivités, notamment sur les comptages et "
        "l’accessibilité.",
        "website": "https://cerem.example.org/",
        "skills": ["méthodes", "comptages", "accessibilité", "formation"],
        "members": ["claire"],
        "places": [("Site de Lyon", "Bron", "69500", 45.7386, 4.9131)],
    },
    # Funders ----------------------------------------------------------------
    {
        "key": "fondation",
        "name": "Fondation Mobilités Durables",
        "type": "funder",
        "summary": "Fondation qui finance les communs de la mobilité.",
        "description": "La fondation soutient par des subventions pluriannuelles "
        "les communs qui rendent la mobilité plus sobre et plus juste.",
        "website": "https://fondation-mobilites.example.org/",
        "skills": ["financement", "évaluation", "mécénat"],
        "members": ["sophie"],
        "places": [("Siège", "Paris", "75009", 48.8763, 2.3370)],
    },
    {
        "key": "fris",
        "name": "Fonds régional pour l’innovation sociale",
        "type": "funder",
        "summary": "Fonds d’amorçage des projets d’innovation sociale.",
        "description": "Le fonds apporte prêts d’honneur et subventions "
        "d’amorçage aux projets à impact, dont la mobilité solidaire.",
        "website": "https://fris.example.org/",
        "skills": ["financement", "amorçage", "accompagnement"],
        "members": ["sophie", "yann"],
        "places": [("Siège", "Nantes", "44200", 47.2065, -1.5392)],
    },
    {
        "key": "programme",
        "name": "Programme Communs Mobilité",
        "type": "funder",
        "summary": "Programme public d’accompagnement et de financement des communs.",
        "description": "Le programme finance des défis, accompagne les porteurs "
        "de communs et anime la Fabrique.",
        "website": "https://programme-communs.example.org/",
        "skills": ["financement", "animation de communauté", "accompagnement"],
        "members": ["sophie", "dominique"],
        "places": [("Bureaux", "Paris", "75007", 48.8566, 2.3126)],
    },
    # People ---------------------------------------------------------------
    {
        "key": "p-camille",
        "name": "Camille Martin",
        "type": "person",
        "summary": "Cheffe de projet mobilité à Lyon.",
        "description": "Je contribue aux données vélo et à la documentation des "
        "communs.",
        "website": "",
        "skills": ["gestion de projet", "données ouvertes", "cartographie"],
        "members": ["camille"],
        "places": [("Lyon", "Lyon", "69001", 45.7640, 4.8357)],
    },
    {
        "key": "p-hugo",
        "name": "Hugo Lambert",
        "type": "person",
        "summary": "Développeur indépendant, logiciels libres de transport.",
        "description": "Je développe des outils libres autour de GTFS et du "
        "calcul d’itinéraires.",
        "website": "https://hugo-lambert.example.org/",
        "skills": ["Python", "JavaScript", "cartographie web"],
        "members": ["hugo"],
        "places": [("Rennes", "Rennes", "35000", 48.1147, -1.6794)],
    },
    {
        "key": "p-aurelie",
        "name": "Aurélie Nguyen",
        "type": "person",
        "summary": "Ingénieure données, GTFS et GBFS.",
        "description": "Je fiabilise les données de transport et forme les "
        "producteurs de données.",
        "website": "",
        "skills": ["GTFS", "GBFS", "SQL", "formation"],
        "members": ["aurelie"],
        "places": [("Toulouse", "Toulouse", "31000", 43.6045, 1.4440)],
    },
    {
        "key": "p-lea",
        "name": "Léa Fontaine",
        "type": "person",
        "summary": "Animatrice d’atelier vélo, accessibilité.",
        "description": "J’anime des ateliers de réparation et des audits "
        "d’accessibilité avec les usagers.",
        "website": "",
        "skills": ["animation", "réparation vélo", "accessibilité"],
        "members": ["lea"],
        "places": [("Lille", "Lille", "59000", 50.6330, 3.0600)],
    },
    {
        "key": "p-yann",
        "name": "Yann Le Goff",
        "type": "person",
        "summary": "Chargé de mission mobilités sur l’estuaire de la Loire.",
        "description": "Transport à la demande, covoiturage et navettes "
        "fluviales : je fais travailler ensemble élus, exploitants et habitants.",
        "website": "",
        "skills": ["politiques publiques", "transport à la demande", "concertation"],
        "members": ["yann"],
        "places": [("Saint-Nazaire", "Saint-Nazaire", "44600", 47.2800, -2.2100)],
    },
]
