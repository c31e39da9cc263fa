"""Google Sheets import: "We use the data from Google Sheets solely to insert leads into your
account. We do not store any Google Sheets-related data on our servers. After each insertion
operation, the data is immediately discarded." (privacy policy, Special Note on Google Sheets).

How each promise is kept, by module:
- ``service``: starting an import stores a job (status and counts only) and a single-use OAuth
  state whose sheet parameters and PKCE verifier are sealed with KMS (``vault``).
- ``callback``: spends the authorization code once, seals the access token (``vault``) on a
  TTL-bounded item, starts the workflow with ids only.
- ``steps``: the workflow's Lambda steps; cell values exist only in memory while a block is
  mapped into leads (``rows``, ``mapping``), and steps return counts and a row cursor.
- ``workflow``: the one ASL document (CDK and local), whose paths carry no row data.
"""
