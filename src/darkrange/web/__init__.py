"""The web app for analysts, trainees and trainers."""
