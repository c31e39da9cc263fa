"""Google clients for the Sheets import. Only the import and OAuth modules import this package
(and so google-auth); tests/unit/test_google_imports_are_contained.py holds the other functions
to that."""

from shared.privacy.logging import quiet_libraries

# google-auth, oauthlib and requests_oauthlib log tokens and request bodies at DEBUG: whoever
# imports these clients gets those loggers held at WARNING first.
quiet_libraries()
