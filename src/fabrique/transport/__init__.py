"""Transport datasets: resources, versions, validation jobs and the transport API.

The GTFS work itself is done by the engine :mod:`fabrique.gtfs`; this app
stores datasets and their versions, runs the engine in background tasks and
serves pages and ``/api/1/transport/``.
"""
