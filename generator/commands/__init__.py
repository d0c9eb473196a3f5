"""The subcommands of `privacy-statement`, one module each (as `mkdocs/commands/`).

Each module has `configure(parser, name)`, which adds the subcommand's options to its parser and
sets `run`, the function that runs it; `generator.cli` imports only the module of the subcommand
that runs. What they share is in `common`, which imports none of them.
"""
