"""`python -m generator` runs the clinicgen command line."""

from generator.cli import main

main()
