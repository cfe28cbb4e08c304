"""The pickup counter of village stations and store pickup points."""
