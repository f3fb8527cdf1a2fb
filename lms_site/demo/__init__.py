"""Demo content for the Pinewood mesotherapy course, built from the seed article in `seed.txt`."""
