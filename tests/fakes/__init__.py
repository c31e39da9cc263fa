"""In-memory fakes of the ports in ``shared/`` ("fakes over mocks"), one module per port.

Each fake behaves like its real adapter in what the logic relies on — conditional writes,
not-found answers, ordering, single use, expiry — and keeps what a test needs to look at in
plain attributes. ``tests/integration/test_fakes_match_adapters.py`` runs the same checks against
a fake and its real adapter, so the two cannot drift apart unnoticed.

No module imports pytest: the Sheets benchmark (``benchmarks/sheets_import.py``) uses them too.
"""
