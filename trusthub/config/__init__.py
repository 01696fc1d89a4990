"""Configuration: `trusthub.yaml`, its defaults and the environment, read into `Settings`.

May import: `load`, `rules` (the settings file is read by the safe loader and checked against
its schema), `model`, `errors`.
"""
