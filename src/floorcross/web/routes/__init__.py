"""The app's routers, one per area; each serves its pages and its ``/api/`` endpoints from the
same library calls."""
