"""The logic of the compliance checks, one module per catalog category, each holding both
clouds' checks of that category; `values` holds the one logic of the checks that are data alone.
`generator.checks.catalog` imports them all; none of them imports it.
"""
