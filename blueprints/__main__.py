"""Pulumi program entry point: `pulumi preview -s <practice>-core` runs this file."""

from blueprints.program import main

main()
