"""The render stage: a plan (or a profile) in, text out; nothing here reads or writes files.

Every generated text goes through the one Jinja environment (`templating`). The names a stack
file shares with the Pulumi program live in `stack_config`, which the program imports too:
this package's import therefore stays empty, so the program never loads Jinja.
"""
