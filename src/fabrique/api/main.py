from ninja import NinjaAPI

api = NinjaAPI(
    title="Fabrique API",
    version="1",
    description="Open API of the Fabrique mobility commons platform.",
    urls_namespace="api",
)
