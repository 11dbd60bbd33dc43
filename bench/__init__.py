"""`make bench`: the production server under load, beside floor apps served the same way."""
