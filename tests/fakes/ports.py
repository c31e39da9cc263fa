"""Each fake is checked against the Protocol of its port by mypy (``make lint``): a port that
gains or changes a method fails the lint until its fake follows."""

from __future__ import annotations

from shared.core.object_store import ObjectDeleter
from shared.imports.callback import TokenExchanger, WorkflowStarter
from shared.imports.logic import AuthorizationStarter
from shared.imports.repository import ImportRepository
from shared.imports.steps import SheetReader
from shared.imports.vault import Vault
from shared.leads.repository import LeadRepository
from tests.fakes.google_oauth import FakeGoogleOAuth
from tests.fakes.imports import FakeImportRepository
from tests.fakes.leads import FakeLeadRepository
from tests.fakes.object_store import FakeObjectStore
from tests.fakes.sheets import FakeSheetReader
from tests.fakes.vault import FakeVault
from tests.fakes.workflows import FakeWorkflowStarter


def leads(fake: FakeLeadRepository) -> LeadRepository:
    return fake


def imports(fake: FakeImportRepository) -> ImportRepository:
    return fake


def vault(fake: FakeVault) -> Vault:
    return fake


def consent(fake: FakeGoogleOAuth) -> AuthorizationStarter:
    return fake


def token_exchange(fake: FakeGoogleOAuth) -> TokenExchanger:
    return fake


def workflow(fake: FakeWorkflowStarter) -> WorkflowStarter:
    return fake


def sheets(fake: FakeSheetReader) -> SheetReader:
    return fake


def uploads(fake: FakeObjectStore) -> ObjectDeleter:
    return fake
