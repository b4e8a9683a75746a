"""The `kb` command line, on top of the service (and of the web app, for `kb serve`)."""
