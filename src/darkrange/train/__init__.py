"""Training: exercises, variants, scoring and teams."""
