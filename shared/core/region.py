"""A region for phone numbers without a country code: ISO 3166 alpha-2.

Apart from ``shared.core.phone`` so that models and settings can check a region without loading
phonenumbers (~25 ms of a cold start) in functions that never parse a number.
"""

REGION_PATTERN = r"^[A-Z]{2}$"
