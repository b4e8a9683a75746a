"""`python -m kb.cli`: the `kb` command line."""

from kb.cli.main import main

main()
