"""Google clients for the Sheets import. Only the import and OAuth modules import this package
(and so google-auth); tests/unit/test_google_imports_are_contained.py holds the other functions
to that."""
