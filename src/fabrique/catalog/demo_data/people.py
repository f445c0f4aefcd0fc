"""Demo themes and accounts. Names are invented; e-mails are under example.org."""

THEMES = [
    {
        "slug": "velo",
        "name": "Vélo et cycles",
        "name_en": "Cycling",
        "description": "Vélos en libre-service, stationnement, ateliers, "
        "comptages et aménagements : tout ce qui aide à pédaler au quotidien.",
    },
    {
        "slug": "transport-public",
        "name": "Transport public",
        "name_en": "Public transport",
        "description": "Horaires, temps réel, calcul d’itinéraires et transport "
        "à la demande : les données et outils des réseaux de bus, cars et trains.",
    },
    {
        "slug": "covoiturage-partage",
        "name": "Covoiturage et partage",
        "name_en": "Carpooling and sharing",
        "description": "Covoiturage du quotidien, autopartage, mobilité solidaire : "
        "mieux remplir les véhicules qui roulent déjà.",
    },
    {
        "slug": "logistique-urbaine",
        "name": "Logistique urbaine",
        "name_en": "City logistics",
        "description": "Livraisons à vélo-cargo, aires de livraison, "
        "mutualisation : faire entrer les marchandises en ville autrement.",
    },
    {
        "slug": "mobilite-electrique",
        "name": "Mobilité électrique et rétrofit",
        "name_en": "Electric mobility and retrofit",
        "description": "Bornes de recharge, conversion de véhicules thermiques, "
        "zones à faibles émissions.",
    },
    {
        "slug": "accessibilite",
        "name": "Accessibilité et inclusion",
        "name_en": "Accessibility and inclusion",
        "description": "Des déplacements possibles pour toutes et tous : "
        "handicap, territoires peu desservis, publics fragiles.",
    },
]

# The first account is the demo login; "dominique" moderates, "sacha" administers.
USERS = [
    {
        "username": "camille",
        "display_name": "Camille Martin",
        "city": "Lyon",
        "bio": "Cheffe de projet mobilité, curieuse de tout ce qui roule sans "
        "moteur. Je contribue surtout aux données vélo et à la documentation.",
        "skills": ["gestion de projet", "données ouvertes", "cartographie"],
    },
    {
        "username": "dominique",
        "display_name": "Dominique Roussel",
        "role": "moderator",
        "city": "Paris",
        "bio": "Modération et animation de la Fabrique.",
        "skills": ["animation de communauté", "médiation"],
    },
    {
        "username": "sacha",
        "display_name": "Sacha Bernard",
        "role": "admin",
        "city": "Paris",
        "bio": "Administration de l’instance.",
        "skills": ["administration système", "Python"],
    },
    {
        "username": "ines",
        "display_name": "Inès Benali",
        "city": "Nantes",
        "bio": "Cofondatrice d’une start-up de covoiturage du quotidien.",
        "skills": ["produit", "covoiturage", "API"],
    },
    {
        "username": "thomas",
        "display_name": "Thomas Lefèvre",
        "city": "Bordeaux",
        "bio": "Mécanicien cycle devenu concepteur de vélos-cargos ouverts.",
        "skills": ["mécanique", "conception assistée", "soudure"],
    },
    {
        "username": "aurelie",
        "display_name": "Aurélie Nguyen",
        "city": "Toulouse",
        "bio": "Ingénieure données, spécialiste des formats GTFS et GBFS.",
        "skills": ["GTFS", "GBFS", "Python", "SQL"],
    },
    {
        "username": "yann",
        "display_name": "Yann Le Goff",
        "city": "Saint-Nazaire",
        "bio": "Chargé de mission mobilités dans une agglomération littorale.",
        "skills": ["politiques publiques", "transport à la demande"],
    },
    {
        "username": "mathilde",
        "display_name": "Mathilde Garnier",
        "city": "Lyon",
        "bio": "Responsable des données de mobilité d’une métropole.",
        "skills": ["données ouvertes", "marchés publics", "SIG"],
    },
    {
        "username": "karim",
        "display_name": "Karim Haddad",
        "city": "Grenoble",
        "bio": "Électrotechnicien, recharge et rétrofit de véhicules.",
        "skills": ["électronique de puissance", "recharge", "rétrofit"],
    },
    {
        "username": "lea",
        "display_name": "Léa Fontaine",
        "city": "Lille",
        "bio": "Animatrice d’atelier vélo et militante de l’accessibilité.",
        "skills": ["animation", "réparation vélo", "accessibilité"],
    },
    {
        "username": "julien",
        "display_name": "Julien Morel",
        "city": "Saint-Étienne",
        "bio": "Industrialisation de petites séries, du prototype à l’atelier.",
        "skills": ["industrialisation", "tôlerie", "qualité"],
    },
    {
        "username": "sophie",
        "display_name": "Sophie Blanchard",
        "city": "Paris",
        "bio": "Chargée de programme dans une fondation qui finance des communs.",
        "skills": ["financement", "évaluation", "partenariats"],
    },
    {
        "username": "nicolas",
        "display_name": "Nicolas Petit",
        "city": "Montpellier",
        "bio": "Architecte de systèmes d’information pour les autorités "
        "organisatrices de la mobilité.",
        "skills": ["architecture", "interopérabilité", "NeTEx"],
    },
    {
        "username": "amandine",
        "display_name": "Amandine Roux",
        "city": "Aurillac",
        "bio": "Sociologue des mobilités rurales.",
        "skills": ["enquête", "sociologie", "mobilité rurale"],
    },
    {
        "username": "hugo",
        "display_name": "Hugo Lambert",
        "city": "Rennes",
        "bio": "Développeur indépendant, contributeur de logiciels libres de "
        "transport.",
        "skills": ["Python", "JavaScript", "cartographie web"],
    },
    {
        "username": "romain",
        "display_name": "Romain Chevalier",
        "city": "Lyon",
        "bio": "Directeur technique d’une jeune entreprise de calcul d’itinéraires.",
        "skills": ["routage", "Java", "Python", "OpenStreetMap"],
    },
    {
        "username": "claire",
        "display_name": "Claire Dubois",
        "city": "Lyon",
        "bio": "Ingénieure d’études : comptages, évaluation des aménagements "
        "cyclables et accessibilité.",
        "skills": ["évaluation", "statistiques", "accessibilité"],
    },
]
