"""Settings of the catalogue load benchmark: the product's, plus a bare view.

The bare view (``/bench/bare/``) returns a fixed page through the whole
middleware stack; it is the ceiling the product pages are compared with. It
lives here, not in the product.
"""

from fabrique.settings import *  # noqa: F403

ROOT_URLCONF = "load_urls"
